package org.kerasbridge.viz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.Test;
import org.kerasbridge.data.Mnist;
import org.kerasbridge.data.Preprocess;
import org.kerasbridge.data.Preprocess.Layout;
import org.kerasbridge.ndarray.NpyArray;

class ImageGridTest {
  private static NpyArray digits() {
    Path shared = Paths.get("..", "shared", "data", "mnist");
    String env = System.getenv("MNIST_DIR");
    Path dir = env != null ? Paths.get(env) : shared;
    if (Files.isDirectory(dir)) {
      return Preprocess.head(Mnist.load(dir).xTest(), 10);
    }
    System.err.println("ImageGridTest: MNIST not found in " + dir + "; drawing synthetic images");
    byte[] b = new byte[10 * 784];
    for (int i = 0; i < b.length; i++) {
      int r = i % 784 / 28;
      int c = i % 28;
      b[i] = (byte) (Math.abs(r - 14) + Math.abs(c - 14) < 4 + i / 784 ? 255 : 0);
    }
    return NpyArray.ofBytes(new long[] {10, 28, 28}, b);
  }

  @Test
  void originalsAboveNoisyAndReconstructedRows() throws IOException {
    NpyArray x = Preprocess.scaleImages(digits(), Layout.FLAT);
    NpyArray noisy = Preprocess.addGaussianNoise(x, 0.5, 1, 0f, 1f);
    NpyArray blurred = Preprocess.reshape(Preprocess.clip(x, 0f, 0.6f), 10, 28, 28, 1);
    Path f = Samples.dir().resolve("grid_denoise.png");
    ImageGrid grid = ImageGrid.titled("Denoising autoencoder").row("original", x)
        .row("noisy", noisy).row("reconstructed", blurred);
    grid.write(f);
    BufferedImage expected = grid.render();
    BufferedImage img = Samples.readPng(f, expected.getWidth(), expected.getHeight());
    assertEquals(expected.getRGB(expected.getWidth() / 2, expected.getHeight() / 2),
        img.getRGB(img.getWidth() / 2, img.getHeight() / 2));
  }

  @Test
  void sizeFollowsColumnsAndScaleAndPixelsFollowTheRange() throws IOException {
    byte[] b = new byte[3 * 4 * 4];
    b[0] = (byte) 255;
    b[1] = (byte) 128;
    NpyArray u8 = NpyArray.ofBytes(new long[] {3, 4, 4}, b);
    Path f = Samples.dir().resolve("grid_tiny.png");
    ImageGrid.create().row(u8).scale(2).columns(2).write(f);
    // no label, no title: 2 columns of (4*2 + 4) plus 4; one row of 4*2 + 4, plus 4
    BufferedImage img = Samples.readPng(f, 2 * (8 + 4) + 4, 8 + 4 + 4);
    assertEquals(0xffffffff, img.getRGB(4, 4), "255 is white");
    assertEquals(0xff808080, img.getRGB(6, 4), "128 is mid-gray");
    assertEquals(0xff000000, img.getRGB(8, 4), "0 is black");

    NpyArray floats = NpyArray.ofFloats(new long[] {1, 1, 2, 2}, -1f, 0f, 1f, Float.NaN);
    BufferedImage r = ImageGrid.create().row(floats).range(-1, 1).scale(1).render();
    assertEquals(0xff000000, r.getRGB(4, 4));
    assertEquals(0xff808080, r.getRGB(5, 4));
    assertEquals(0xffffffff, r.getRGB(4, 5));
    assertEquals(0xffd62728, r.getRGB(5, 5), "NaN shows red");
  }

  @Test
  void badShapesAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> ImageGrid.create()
        .row(NpyArray.ofFloats(new long[] {2, 3}, new float[6])));
    assertThrows(IllegalStateException.class, () -> ImageGrid.create().render());
  }
}
