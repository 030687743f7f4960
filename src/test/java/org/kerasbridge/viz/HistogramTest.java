package org.kerasbridge.viz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.kerasbridge.ndarray.NpyArray;

class HistogramTest {
  @Test
  void binsFollowNumpyHistogram() {
    // np.histogram([0, 0.5, 1, 1.5, 2, 2, 3, -1], bins=4, range=(0, 2)) -> [1, 1, 1, 3]
    Histogram h = Histogram.titled("").series("a", new double[] {0, 0.5, 1, 1.5, 2, 2, 3, -1})
        .bins(4);
    assertArrayEquals(new long[] {1, 1, 1, 3}, h.counts(0, 2)[0]);
    Histogram nan = Histogram.titled("").series("a", new double[] {Double.NaN, 1}).bins(2);
    assertArrayEquals(new long[] {0, 1}, nan.counts(0, 1)[0]);
  }

  @Test
  void twoOverlaidDistributions() throws IOException {
    Random r = new Random(1);
    int n = 32 * 2000;
    float[] standard = new float[n];
    float[] sparse = new float[n];
    for (int i = 0; i < n; i++) {
      standard[i] = (float) Math.max(0, 1.5 + r.nextGaussian());
      sparse[i] = r.nextDouble() < 0.8 ? 0f : (float) (-Math.log(r.nextDouble()) * 0.7);
    }
    Path f = Samples.dir().resolve("histogram_codes.png");
    Histogram.titled("Code activations")
        .series("standard", NpyArray.ofFloats(new long[] {2000, 32}, standard))
        .series("sparse (L1)", NpyArray.ofFloats(new long[] {2000, 32}, sparse))
        .bins(60).range(0, 5).xLabel("activation").write(f, 800, 500);
    BufferedImage img = Samples.readPng(f, 800, 500);
    assertTrue(Samples.pixelsNear(img, Palette.color(0)) > 200);
    assertTrue(Samples.pixelsNear(img, Palette.color(1)) > 200);
  }

  @Test
  void oneSeriesWithDefaultRange() throws IOException {
    Random r = new Random(2);
    double[] v = new double[10000];
    for (int i = 0; i < v.length; i++) {
      v[i] = r.nextGaussian() * 0.01 + 0.5;
    }
    Path f = Samples.dir().resolve("histogram_one.png");
    Histogram.titled("Weights").series("dense/kernel", v).write(f, 500, 350);
    Samples.readPng(f, 500, 350);
  }
}
