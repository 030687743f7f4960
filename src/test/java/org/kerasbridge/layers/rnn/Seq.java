package org.kerasbridge.layers.rnn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.kerasbridge.ndarray.NpyArray;

/** Small helpers on float arrays shaped (batch, time, features) for the recurrent tests. */
final class Seq {
  private Seq() {}

  static NpyArray random(long seed, long... shape) {
    Random r = new Random(seed);
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    float[] v = new float[(int) n];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) r.nextGaussian();
    }
    return NpyArray.ofFloats(shape, v);
  }

  /** 0/1 mask (batch, time) from rows of 0/1 ints. */
  static NpyArray mask(int[]... rows) {
    float[] v = new float[rows.length * rows[0].length];
    for (int b = 0; b < rows.length; b++) {
      for (int t = 0; t < rows[b].length; t++) {
        v[b * rows[0].length + t] = rows[b][t];
      }
    }
    return NpyArray.ofFloats(new long[] {rows.length, rows[0].length}, v);
  }

  /** Reverses axis 1 of a rank 2 or 3 array. */
  static NpyArray reverseTime(NpyArray a) {
    long[] s = a.shape();
    int inner = 1;
    for (int i = 2; i < s.length; i++) {
      inner *= (int) s[i];
    }
    int t = (int) s[1];
    float[] x = a.toFloatArray();
    float[] y = new float[x.length];
    for (int b = 0; b < s[0]; b++) {
      for (int i = 0; i < t; i++) {
        System.arraycopy(x, (b * t + i) * inner, y, (b * t + (t - 1 - i)) * inner, inner);
      }
    }
    return NpyArray.ofFloats(s, y);
  }

  /** Timesteps {@code [from, to)} of a (batch, time, ...) array. */
  static NpyArray steps(NpyArray a, int from, int to) {
    long[] s = a.shape();
    int inner = 1;
    for (int i = 2; i < s.length; i++) {
      inner *= (int) s[i];
    }
    int t = (int) s[1];
    int n = to - from;
    float[] x = a.toFloatArray();
    float[] y = new float[(int) s[0] * n * inner];
    for (int b = 0; b < s[0]; b++) {
      System.arraycopy(x, (b * t + from) * inner, y, b * n * inner, n * inner);
    }
    long[] out = s.clone();
    out[1] = n;
    return NpyArray.ofFloats(out, y);
  }

  /** Concatenates two (batch, time, ...) arrays along time. */
  static NpyArray concatTime(NpyArray a, NpyArray b) {
    long[] sa = a.shape();
    long[] sb = b.shape();
    int inner = 1;
    for (int i = 2; i < sa.length; i++) {
      inner *= (int) sa[i];
    }
    int ta = (int) sa[1];
    int tb = (int) sb[1];
    float[] x = a.toFloatArray();
    float[] z = b.toFloatArray();
    float[] y = new float[x.length + z.length];
    for (int i = 0; i < sa[0]; i++) {
      System.arraycopy(x, i * ta * inner, y, i * (ta + tb) * inner, ta * inner);
      System.arraycopy(z, i * tb * inner, y, (i * (ta + tb) + ta) * inner, tb * inner);
    }
    long[] s = sa.clone();
    s[1] = ta + tb;
    return NpyArray.ofFloats(s, y);
  }

  /** Row {@code b} (all trailing axes) of an array. */
  static float[] row(NpyArray a, int b) {
    long[] s = a.shape();
    int inner = (int) (a.size() / s[0]);
    float[] y = new float[inner];
    System.arraycopy(a.toFloatArray(), b * inner, y, 0, inner);
    return y;
  }

  /** {@code a[b, t, :]} of a (batch, time, features) array. */
  static float[] at(NpyArray a, int b, int t) {
    long[] s = a.shape();
    int f = (int) s[2];
    float[] y = new float[f];
    System.arraycopy(a.toFloatArray(), (int) ((b * s[1] + t) * f), y, 0, f);
    return y;
  }

  static void close(NpyArray expected, NpyArray actual, double atol, String what) {
    assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
    close(expected.toFloatArray(), actual.toFloatArray(), atol, what);
  }

  static void close(float[] expected, float[] actual, double atol, String what) {
    assertTrue(expected.length == actual.length, what + ": length");
    double worst = 0;
    for (int i = 0; i < expected.length; i++) {
      worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
    }
    assertTrue(worst <= atol, what + ": max |diff| " + worst + " > " + atol);
  }
}
