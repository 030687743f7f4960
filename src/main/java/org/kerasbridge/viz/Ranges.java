package org.kerasbridge.viz;

import java.util.stream.Stream;

/** Data ranges for axes, ignoring NaN and infinities. */
final class Ranges {
  private Ranges() {}

  /** {@code {min, max}} over the finite values, or {@code {NaN, NaN}} when there are none. */
  static double[] of(Stream<double[]> arrays) {
    double[] r = {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
    arrays.forEach(a -> {
      for (double v : a) {
        if (Double.isFinite(v)) {
          r[0] = Math.min(r[0], v);
          r[1] = Math.max(r[1], v);
        }
      }
    });
    return r[0] <= r[1] ? r : new double[] {Double.NaN, Double.NaN};
  }

  static boolean allIntegers(double[] a) {
    for (double v : a) {
      if (Double.isFinite(v) && v != Math.rint(v)) {
        return false;
      }
    }
    return true;
  }
}
