package org.kerasbridge.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.kerasbridge.InvalidInputException;
import org.kerasbridge.data.Preprocess.Layout;
import org.kerasbridge.ndarray.DType;
import org.kerasbridge.ndarray.NpyArray;

class PreprocessTest {
  @Test
  void scaleImagesDividesBy255InEachLayout() {
    byte[] all = new byte[256 * 4];
    for (int i = 0; i < all.length; i++) {
      all[i] = (byte) i;
    }
    NpyArray images = NpyArray.ofBytes(new long[] {4, 16, 16}, all);
    NpyArray flat = Preprocess.scaleImages(images, Layout.FLAT);
    assertArrayEquals(new long[] {4, 256}, flat.shape());
    assertEquals(DType.FLOAT32, flat.dtype());
    float[] f = flat.toFloatArray();
    for (int i = 0; i < f.length; i++) {
      // numpy: np.float32(i) / np.float32(255), exactly
      assertEquals((float) (i % 256) / 255f, f[i], 0f);
    }
    assertEquals(1f, f[255], 0f);
    assertArrayEquals(new long[] {4, 16, 16, 1},
        Preprocess.scaleImages(images, Layout.CHANNELS_LAST).shape());
    assertArrayEquals(new long[] {4, 1, 16, 16},
        Preprocess.scaleImages(images, Layout.CHANNELS_FIRST).shape());
    assertArrayEquals(new long[] {4, 16, 16}, Preprocess.scaleImages(images, Layout.IMAGE).shape());
    assertArrayEquals(f, Preprocess.scaleImages(images, Layout.CHANNELS_LAST).toFloatArray());
    assertThrows(InvalidInputException.class, () -> Preprocess.scaleImages(flat, Layout.FLAT));
  }

  @Test
  void wholeMnistTrainingSetIsQuick() {
    NpyArray x = TestData.images(60000, 3);
    long t0 = System.nanoTime();
    NpyArray f = Preprocess.scaleImages(x, Layout.FLAT);
    NpyArray noisy = Preprocess.addGaussianNoise(f, 0.5, 42, 0f, 1f);
    NpyArray shuffled = Preprocess.takeRows(noisy, Preprocess.permutation(60000, 7));
    NpyArray y = Preprocess.oneHot(TestData.labels(60000, 0), 10);
    double seconds = (System.nanoTime() - t0) / 1e9;
    System.out.printf("scale + noise + shuffle of 60000x784, one-hot of 60000: %.2f s%n", seconds);
    assertArrayEquals(new long[] {60000, 784}, shuffled.shape());
    assertArrayEquals(new long[] {60000, 10}, y.shape());
    assertTrue(seconds < 20, "took " + seconds + " s");
  }

  @Test
  void oneHotMatchesToCategorical() {
    NpyArray y = NpyArray.ofBytes(new long[] {3}, (byte) 2, (byte) 0, (byte) 9);
    NpyArray h = Preprocess.oneHot(y, 10);
    assertArrayEquals(new long[] {3, 10}, h.shape());
    float[] v = h.toFloatArray();
    float[] expected = new float[30];
    expected[2] = 1;
    expected[10] = 1;
    expected[29] = 1;
    assertArrayEquals(expected, v);
    assertEquals(h, Preprocess.oneHot(NpyArray.ofInts(new long[] {3}, 2, 0, 9), 10));
    assertEquals(h, Preprocess.oneHot(NpyArray.ofLongs(new long[] {3}, 2, 0, 9), 10));
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> Preprocess.oneHot(y, 5));
    assertEquals("label 9 at index 2 is outside 0..4", e.getMessage());
  }

  @Test
  void headAndReshapeShareBytes() {
    NpyArray x = TestData.images(5, 0);
    NpyArray h = Preprocess.head(x, 2);
    assertArrayEquals(new long[] {2, 28, 28}, h.shape());
    assertEquals(x.sliceRows(0, 2), h);
    assertThrows(InvalidInputException.class, () -> Preprocess.head(x, 6));
    NpyArray r = Preprocess.reshape(x, 5, 784);
    assertArrayEquals(new long[] {5, 784}, r.shape());
    assertEquals(x.data(), r.data());
    assertThrows(InvalidInputException.class, () -> Preprocess.reshape(x, 5, 783));
  }

  @Test
  void permutationIsSeededAndComplete() {
    int[] p = Preprocess.permutation(1000, 1);
    assertArrayEquals(p, Preprocess.permutation(1000, 1));
    assertNotEquals(Arrays.toString(p), Arrays.toString(Preprocess.permutation(1000, 2)));
    int[] sorted = p.clone();
    Arrays.sort(sorted);
    for (int i = 0; i < sorted.length; i++) {
      assertEquals(i, sorted[i]);
    }
    assertNotEquals(0, Arrays.mismatch(p, sorted) == -1 ? 0 : 1, "actually shuffled");
  }

  @Test
  void takeRowsFollowsTheIndices() {
    NpyArray x = NpyArray.ofFloats(new long[] {3, 2}, 0, 1, 10, 11, 20, 21);
    NpyArray t = Preprocess.takeRows(x, new int[] {2, 0, 2});
    assertArrayEquals(new long[] {3, 2}, t.shape());
    assertArrayEquals(new float[] {20, 21, 0, 1, 20, 21}, t.toFloatArray());
    assertThrows(InvalidInputException.class, () -> Preprocess.takeRows(x, new int[] {3}));
  }

  @Test
  void gaussianNoiseIsSeededClippedAndHasTheRightSpread() {
    int n = 200_000;
    NpyArray half = NpyArray.ofFloats(new long[] {n}, filled(n, 0.5f));
    NpyArray a = Preprocess.addGaussianNoise(half, 0.1, 123, 0f, 1f);
    assertEquals(a, Preprocess.addGaussianNoise(half, 0.1, 123, 0f, 1f));
    assertNotEquals(a, Preprocess.addGaussianNoise(half, 0.1, 124, 0f, 1f));
    float[] v = a.toFloatArray();
    double mean = 0;
    double sq = 0;
    for (float f : v) {
      assertTrue(f >= 0f && f <= 1f);
      mean += f;
      sq += (f - 0.5) * (f - 0.5);
    }
    mean /= n;
    double std = Math.sqrt(sq / n);
    assertEquals(0.5, mean, 0.002);
    assertEquals(0.1, std, 0.002);

    float[] clipped = Preprocess.addGaussianNoise(half, 5, 1, 0f, 1f).toFloatArray();
    long atBounds = 0;
    for (float f : clipped) {
      atBounds += f == 0f || f == 1f ? 1 : 0;
    }
    assertTrue(atBounds > n * 0.9, "most values clipped at 0 or 1: " + atBounds);
  }

  @Test
  void clipClamps() {
    NpyArray x = NpyArray.ofFloats(new long[] {4}, -1f, 0.25f, 2f, Float.NaN);
    float[] c = Preprocess.clip(x, 0f, 1f).toFloatArray();
    assertEquals(0f, c[0]);
    assertEquals(0.25f, c[1]);
    assertEquals(1f, c[2]);
    assertTrue(Float.isNaN(c[3]));
  }

  private static float[] filled(int n, float v) {
    float[] f = new float[n];
    Arrays.fill(f, v);
    return f;
  }
}
