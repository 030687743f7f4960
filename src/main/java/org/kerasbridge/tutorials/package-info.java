/**
 * The source articles' examples as small runnable programs, each written to be read side by side
 * with the article's Keras code: load the data, build the model, compile, fit, evaluate, plot.
 *
 * <p>Run one with {@code bin/kerasbridge tutorial NAME --out DIR}, or from Java with {@link
 * org.kerasbridge.tutorials.Tutorials#run}. Each uses the article's architecture and
 * hyperparameters unless overridden, prints Keras-like progress, writes its pictures into the
 * output directory as PNG ({@code loss.png} always) and ends with one JSON line of results.
 * {@link org.kerasbridge.tutorials.TutorialRun} and {@link
 * org.kerasbridge.tutorials.TrainingCurve} hold what the tutorials share.
 */
package org.kerasbridge.tutorials;
