/**
 * PNG pictures of training runs and datasets, drawn with java.awt in headless mode: {@link
 * org.kerasbridge.viz.ImageGrid} (rows of small grayscale images), {@link
 * org.kerasbridge.viz.LineChart} (loss curves, series over steps), {@link
 * org.kerasbridge.viz.ScatterPlot} (2-D points coloured by class) and {@link
 * org.kerasbridge.viz.Histogram} (one or more overlaid distributions).
 *
 * <p>Each is a small builder ending in {@code write(path, ...)}, which writes the PNG atomically
 * (a temporary file beside the target, renamed when complete); {@code render(...)} returns the
 * {@link java.awt.image.BufferedImage} instead. Classes are coloured with matplotlib's
 * {@code tab10} palette so the pictures look like the tutorials' matplotlib ones.
 */
package org.kerasbridge.viz;
