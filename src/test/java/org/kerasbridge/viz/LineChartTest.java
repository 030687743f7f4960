package org.kerasbridge.viz;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.kerasbridge.ndarray.NpyArray;

class LineChartTest {
  @Test
  void lossCurvesWriteAPngOfTheRequestedSize() throws IOException {
    int epochs = 20;
    double[] loss = new double[epochs];
    double[] valLoss = new double[epochs];
    for (int i = 0; i < epochs; i++) {
      loss[i] = 0.30 * Math.exp(-i / 5.0) + 0.09;
      valLoss[i] = 0.28 * Math.exp(-i / 6.0) + 0.10 + 0.002 * i;
    }
    Path f = Samples.dir().resolve("line_loss.png");
    Files.deleteIfExists(f);
    LineChart.titled("small").series("loss", loss).write(f, 320, 200);
    Samples.readPng(f, 320, 200);
    // Writing again replaces the file, here at another size.
    LineChart.titled("Autoencoder training").series("loss", loss).series("val_loss", valLoss)
        .xLabel("epoch").yLabel("binary crossentropy").write(f, 800, 500);
    BufferedImage img = Samples.readPng(f, 800, 500);
    assertTrue(Samples.pixelsNear(img, Palette.color(0)) > 300, "the loss line is drawn");
    assertTrue(Samples.pixelsNear(img, Palette.color(1)) > 300, "the val_loss line is drawn");
  }

  @Test
  void targetAndPredictionOverSteps() throws IOException {
    int n = 300;
    float[] target = new float[n];
    float[] pred = new float[n];
    for (int i = 0; i < n; i++) {
      target[i] = (float) Math.sin(i * 0.05);
      pred[i] = (float) (0.9 * Math.sin(i * 0.05 - 0.1) + 0.05 * Math.cos(i * 0.4));
    }
    Path f = Samples.dir().resolve("line_steps.png");
    LineChart.titled("Sine wave: target vs prediction")
        .series("target", NpyArray.ofFloats(new long[] {n, 1}, target))
        .series("prediction", NpyArray.ofFloats(new long[] {n, 1}, pred))
        .xLabel("step").yLabel("value").write(f, 900, 400);
    BufferedImage img = Samples.readPng(f, 900, 400);
    assertTrue(Samples.pixelsNear(img, Palette.color(1)) > 300);
  }

  @Test
  void degenerateInputsStillDraw() throws IOException {
    Path f = Samples.dir().resolve("line_degenerate.png");
    LineChart.titled("").series("flat", new double[] {2, 2, 2})
        .series("gap", new double[] {1, 2, 3}, new double[] {1, Double.NaN, 3}).write(f, 200, 150);
    Samples.readPng(f, 200, 150);
    LineChart.titled("empty").write(f, 200, 150);
    Samples.readPng(f, 200, 150);
    assertThrows(IllegalArgumentException.class,
        () -> LineChart.titled("x").series("a", new double[] {1}, new double[] {1, 2}));
    assertThrows(IllegalArgumentException.class, () -> LineChart.titled("x").render(0, 10));
    assertTrue(new Color(LineChart.titled("x").render(10, 10).getRGB(0, 0)).equals(Color.WHITE));
  }
}
