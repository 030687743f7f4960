package org.kerasbridge.viz;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Objects;

/**
 * What {@link LineChart}, {@link ScatterPlot} and {@link Histogram} share: a title, axis labels,
 * and output as an image of a requested size.
 *
 * @param <C> the concrete chart, so the setters chain
 */
public abstract class Chart<C extends Chart<C>> {
  private final String title;
  private String xLabel = "";
  private String yLabel = "";

  Chart(String title) {
    this.title = Objects.requireNonNull(title, "title");
  }

  public C xLabel(String label) {
    this.xLabel = Objects.requireNonNull(label, "label");
    return self();
  }

  public C yLabel(String label) {
    this.yLabel = Objects.requireNonNull(label, "label");
    return self();
  }

  /** The chart drawn on a white {@code width x height} image. */
  public BufferedImage render(int width, int height) {
    BufferedImage img = Png.canvas(width, height);
    Graphics2D g = Png.graphics(img);
    try {
      draw(g, width, height);
    } finally {
      g.dispose();
    }
    return img;
  }

  /** Writes the chart as a {@code width x height} PNG, atomically. */
  public void write(Path file, int width, int height) {
    Png.write(render(width, height), file);
  }

  Axes.Labels labels(String defaultYLabel) {
    return new Axes.Labels(title, xLabel, yLabel.isEmpty() ? defaultYLabel : yLabel);
  }

  abstract void draw(Graphics2D g, int width, int height);

  @SuppressWarnings("unchecked")
  private C self() {
    return (C) this;
  }
}
