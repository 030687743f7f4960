package org.kerasbridge.data;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.kerasbridge.InvalidInputException;
import org.kerasbridge.ndarray.DType;
import org.kerasbridge.ndarray.NpyArray;

/**
 * The array preparation of the Keras tutorials, over whole arrays at once: scaling uint8 images
 * to float32 in [0, 1], reshaping for Dense or Conv2D inputs, one-hot labels, taking rows,
 * seeded shuffling and seeded Gaussian noise.
 *
 * <p>Everything works chunk-wise on primitive arrays (no boxing), so the 60000x784 MNIST training
 * set takes well under a second. Results are new arrays unless a method says it shares bytes.
 *
 * <p>Randomness comes from {@link SplittableRandom} seeded by the caller: the same seed gives
 * the same numbers on every run and platform, but not the numbers numpy's generators give.
 */
public final class Preprocess {
  private static final int CHUNK = 1 << 16;

  /** How {@link #scaleImages} lays out {@code (N, H, W)} images. */
  public enum Layout {
    /** {@code (N, H*W)}, the input of a Dense network. */
    FLAT,
    /** {@code (N, H, W)}, unchanged. */
    IMAGE,
    /** {@code (N, H, W, 1)}, Keras's default {@code channels_last} Conv2D input. */
    CHANNELS_LAST,
    /** {@code (N, 1, H, W)}, {@code channels_first}. */
    CHANNELS_FIRST
  }

  private Preprocess() {}

  /**
   * uint8 images {@code (N, H, W)} to float32 {@code x / 255} in the given layout; the same values
   * as numpy's {@code x.astype("float32") / 255} (a float32 division, not a multiplication by
   * {@code 1/255}, which differs in the last bit for some values).
   */
  public static NpyArray scaleImages(NpyArray images, Layout layout) {
    if (images.dtype() != DType.UINT8 || images.rank() != 3) {
      throw new InvalidInputException("scaleImages expects uint8 images of shape (N, H, W), got "
          + images);
    }
    long[] s = images.shape();
    int n = Math.toIntExact(images.size());
    ByteBuffer in = images.data();
    ByteBuffer outBytes = allocateFloats(n);
    FloatBuffer out = outBytes.asFloatBuffer();
    byte[] b = new byte[CHUNK];
    float[] f = new float[CHUNK];
    while (in.hasRemaining()) {
      int m = Math.min(CHUNK, in.remaining());
      in.get(b, 0, m);
      for (int i = 0; i < m; i++) {
        f[i] = (b[i] & 0xff) / 255f;
      }
      out.put(f, 0, m);
    }
    return NpyArray.of(DType.FLOAT32, layoutShape(s, layout), outBytes);
  }

  /** The same bytes under another shape with as many elements (numpy's {@code reshape}). */
  public static NpyArray reshape(NpyArray a, long... shape) {
    long count = 1;
    for (long d : shape) {
      count = Math.multiplyExact(count, d);
    }
    if (count != a.size()) {
      throw new InvalidInputException("cannot reshape " + a + " (" + a.size() + " elements) to "
          + Arrays.toString(shape) + " (" + count + " elements)");
    }
    return NpyArray.of(a.dtype(), shape, a.data());
  }

  /**
   * Integer labels {@code (N,)} (uint8, int32 or int64) to float32 one-hot rows {@code (N,
   * classes)}, as {@code keras.utils.to_categorical(y, classes)}.
   */
  public static NpyArray oneHot(NpyArray labels, int classes) {
    if (labels.rank() != 1 || labels.dtype() == DType.FLOAT32
        || labels.dtype() == DType.FLOAT64) {
      throw new InvalidInputException("oneHot expects integer labels of shape (N,), got "
          + labels);
    }
    int n = Math.toIntExact(labels.size());
    float[] out = new float[Math.multiplyExact(n, classes)];
    for (int i = 0; i < n; i++) {
      long v = labels.dtype() == DType.INT64 ? labels.data().getLong(i * 8)
          : (long) labels.getDouble(i);
      if (v < 0 || v >= classes) {
        throw new InvalidInputException("label " + v + " at index " + i + " is outside 0.."
            + (classes - 1));
      }
      out[i * classes + (int) v] = 1f;
    }
    return NpyArray.ofFloats(new long[] {n, classes}, out);
  }

  /** The first {@code n} rows (along axis 0), sharing the bytes: numpy's {@code a[:n]}. */
  public static NpyArray head(NpyArray a, long n) {
    if (a.rank() == 0 || n < 0 || n > a.shape()[0]) {
      throw new InvalidInputException("cannot take the first " + n + " rows of " + a);
    }
    return a.sliceRows(0, n);
  }

  /** A seeded random permutation of {@code 0..n-1} (Fisher-Yates). */
  public static int[] permutation(int n, long seed) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    SplittableRandom r = new SplittableRandom(seed);
    for (int i = n - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }

  /** Rows {@code rows[0], rows[1], ...} of {@code a} along axis 0: numpy's {@code a[rows]}. */
  public static NpyArray takeRows(NpyArray a, int[] rows) {
    if (a.rank() == 0) {
      throw new InvalidInputException("cannot take rows of a scalar");
    }
    long[] s = a.shape();
    int rowBytes = Math.toIntExact(a.size() / Math.max(1, s[0]) * a.dtype().itemSize());
    byte[] src = new byte[Math.toIntExact(a.size() * a.dtype().itemSize())];
    a.data().get(src);
    byte[] dst = new byte[Math.multiplyExact(rows.length, rowBytes)];
    for (int i = 0; i < rows.length; i++) {
      if (rows[i] < 0 || rows[i] >= s[0]) {
        throw new InvalidInputException("row " + rows[i] + " is outside 0.." + (s[0] - 1)
            + " of " + a);
      }
      System.arraycopy(src, rows[i] * rowBytes, dst, i * rowBytes, rowBytes);
    }
    s[0] = rows.length;
    return NpyArray.of(a.dtype(), s, ByteBuffer.wrap(dst).order(ByteOrder.LITTLE_ENDIAN));
  }

  /**
   * float32 {@code clip(x + stddev * N(0, 1), min, max)}, the denoising-autoencoder input
   * ({@code x + noise_factor * np.random.normal(size=x.shape)} then {@code np.clip}), computed in
   * double and rounded once to float32.
   */
  public static NpyArray addGaussianNoise(NpyArray x, double stddev, long seed, float min,
      float max) {
    requireFloat32(x, "addGaussianNoise");
    SplittableRandom r = new SplittableRandom(seed);
    return mapFloats(x, (f, m) -> {
      for (int i = 0; i < m; i++) {
        f[i] = clip((float) (f[i] + stddev * r.nextGaussian()), min, max);
      }
    });
  }

  /** float32 {@code clip(x, min, max)} (numpy's {@code np.clip}); NaN stays NaN. */
  public static NpyArray clip(NpyArray x, float min, float max) {
    requireFloat32(x, "clip");
    return mapFloats(x, (f, m) -> {
      for (int i = 0; i < m; i++) {
        f[i] = clip(f[i], min, max);
      }
    });
  }

  private static float clip(float v, float min, float max) {
    return v < min ? min : v > max ? max : v;
  }

  @FunctionalInterface
  private interface ChunkOp {
    void apply(float[] chunk, int length);
  }

  private static NpyArray mapFloats(NpyArray x, ChunkOp op) {
    FloatBuffer in = x.data().asFloatBuffer();
    ByteBuffer outBytes = allocateFloats(Math.toIntExact(x.size()));
    FloatBuffer out = outBytes.asFloatBuffer();
    float[] f = new float[CHUNK];
    while (in.hasRemaining()) {
      int m = Math.min(CHUNK, in.remaining());
      in.get(f, 0, m);
      op.apply(f, m);
      out.put(f, 0, m);
    }
    return NpyArray.of(DType.FLOAT32, x.shape(), outBytes);
  }

  private static void requireFloat32(NpyArray x, String op) {
    if (x.dtype() != DType.FLOAT32) {
      throw new InvalidInputException(op + " expects a float32 array, got " + x
          + " (scale uint8 images with scaleImages first)");
    }
  }

  private static ByteBuffer allocateFloats(int n) {
    return ByteBuffer.allocate(Math.multiplyExact(n, 4)).order(ByteOrder.LITTLE_ENDIAN);
  }

  private static long[] layoutShape(long[] s, Layout layout) {
    switch (layout) {
      case FLAT: return new long[] {s[0], s[1] * s[2]};
      case IMAGE: return s.clone();
      case CHANNELS_LAST: return new long[] {s[0], s[1], s[2], 1};
      case CHANNELS_FIRST: return new long[] {s[0], 1, s[1], s[2]};
      default: throw new AssertionError(layout);
    }
  }
}
