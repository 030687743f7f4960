package org.kerasbridge.viz;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.kerasbridge.data.FashionMnist;
import org.kerasbridge.ndarray.NpyArray;

class ScatterPlotTest {
  /** Ten Gaussian blobs on a circle, like a 2-D latent space of MNIST. */
  static NpyArray[] latent(int n) {
    Random r = new Random(0);
    float[] xy = new float[2 * n];
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      int c = r.nextInt(10);
      double a = 2 * Math.PI * c / 10;
      xy[2 * i] = (float) (4 * Math.cos(a) + r.nextGaussian());
      xy[2 * i + 1] = (float) (3 * Math.sin(a) + r.nextGaussian() * 0.8);
      y[i] = c;
    }
    return new NpyArray[] {NpyArray.ofFloats(new long[] {n, 2}, xy),
        NpyArray.ofInts(new long[] {n}, y)};
  }

  @Test
  void latentSpaceColouredByClassWithLegend() throws IOException {
    NpyArray[] d = latent(5000);
    Path f = Samples.dir().resolve("scatter_latent.png");
    ScatterPlot.titled("Latent space of the test set").points(d[0], d[1]).xLabel("z[0]")
        .yLabel("z[1]").write(f, 800, 600);
    BufferedImage img = Samples.readPng(f, 800, 600);
    for (int c = 0; c < 10; c++) {
      assertTrue(Samples.pixelsNear(img, Palette.color(c)) > 50, "class " + c + " is visible");
    }
  }

  @Test
  void classNamesLabelTheLegend() throws IOException {
    NpyArray[] d = latent(800);
    Path f = Samples.dir().resolve("scatter_fashion.png");
    ScatterPlot.titled("Fashion-MNIST codes").points(d[0], d[1])
        .classNames(FashionMnist.CLASS_NAMES).write(f, 700, 450);
    Samples.readPng(f, 700, 450);
    assertThrows(IllegalArgumentException.class, () -> ScatterPlot.titled("x")
        .points(new double[] {1}, new double[] {1}, new int[] {-1}));
    assertThrows(IllegalArgumentException.class, () -> ScatterPlot.titled("x")
        .points(NpyArray.ofFloats(new long[] {1, 3}, 1, 2, 3), d[1]));
  }
}
