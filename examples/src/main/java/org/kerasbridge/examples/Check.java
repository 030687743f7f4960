package org.kerasbridge.examples;

import java.util.List;
import org.kerasbridge.ndarray.NpyArray;

/** The examples check their own results: a failed check ends the program with exit code 1. */
final class Check {
  private Check() {}

  static void that(boolean ok, String what) {
    if (!ok) {
      System.err.println("CHECK FAILED: " + what);
      System.exit(1);
    }
    System.out.println("check ok: " + what);
  }

  /** The largest |a - b| over all elements (both read as float32, shapes must match). */
  static double maxAbsDiff(NpyArray a, NpyArray b) {
    if (!java.util.Arrays.equals(a.shape(), b.shape())) {
      return Double.POSITIVE_INFINITY;
    }
    float[] x = a.toFloatArray();
    float[] y = b.toFloatArray();
    double max = 0;
    for (int i = 0; i < x.length; i++) {
      double d = Math.abs((double) x[i] - y[i]);
      max = Double.isNaN(d) ? Double.POSITIVE_INFINITY : Math.max(max, d);
    }
    return max;
  }

  static double maxAbsDiff(List<NpyArray> a, List<NpyArray> b) {
    if (a.size() != b.size()) {
      return Double.POSITIVE_INFINITY;
    }
    double max = 0;
    for (int i = 0; i < a.size(); i++) {
      max = Math.max(max, maxAbsDiff(a.get(i), b.get(i)));
    }
    return max;
  }

  /** Index of the largest value in each row of a (N, C) array. */
  static int[] argmax(NpyArray probs) {
    long[] s = probs.shape();
    int n = (int) s[0];
    int c = (int) s[1];
    float[] v = probs.toFloatArray();
    int[] out = new int[n];
    for (int i = 0; i < n; i++) {
      int best = 0;
      for (int j = 1; j < c; j++) {
        if (v[i * c + j] > v[i * c + best]) {
          best = j;
        }
      }
      out[i] = best;
    }
    return out;
  }

  /** An integer argument {@code --name N} from {@code args}, else {@code fallback}. */
  static int intArg(String[] args, String name, int fallback) {
    String v = arg(args, name, null);
    return v == null ? fallback : Integer.parseInt(v);
  }

  static String arg(String[] args, String name, String fallback) {
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals(name)) {
        return args[i + 1];
      }
    }
    return fallback;
  }
}
