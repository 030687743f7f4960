package org.kerasbridge.parity;

import java.util.Arrays;
import java.util.Locale;
import org.kerasbridge.ndarray.NpyArray;

/**
 * How far an actual array is from an expected one, elementwise, with numpy's {@code allclose}
 * rule: element i passes when {@code |actual - expected| <= atol + rtol * |expected|}. A NaN
 * passes only against a NaN; a shape mismatch fails outright.
 *
 * @param name what is compared (an output name or file)
 * @param shapeMatches whether the shapes agree; when false the numbers below are meaningless
 * @param maxAbs the largest {@code |actual - expected|}
 * @param maxRel the largest {@code |actual - expected| / |expected|} over nonzero expectations
 * @param worstIndex the flat index of the element furthest outside the tolerance, or of maxAbs
 * @param failures how many elements fall outside {@code atol + rtol * |expected|}
 */
public record Comparison(String name, boolean shapeMatches, long[] actualShape,
    long[] expectedShape, double maxAbs, double maxRel, long worstIndex, long failures,
    long size, double atol, double rtol) {

  public static Comparison of(String name, NpyArray actual, NpyArray expected, double atol,
      double rtol) {
    return of(name, actual, expected, atol, rtol, false);
  }

  /**
   * As {@link #of}, but an element passes when it is within {@code atol} absolutely OR within
   * {@code rtol} relatively ({@code max(atol, rtol*|e|)} instead of the sum): "within 1e-5,
   * absolute or relative".
   */
  public static Comparison ofEither(String name, NpyArray actual, NpyArray expected, double atol,
      double rtol) {
    return of(name, actual, expected, atol, rtol, true);
  }

  private static Comparison of(String name, NpyArray actual, NpyArray expected, double atol,
      double rtol, boolean either) {
    if (!Arrays.equals(actual.shape(), expected.shape())) {
      return new Comparison(name, false, actual.shape(), expected.shape(), Double.NaN,
          Double.NaN, -1, expected.size(), expected.size(), atol, rtol);
    }
    double maxAbs = 0;
    double maxRel = 0;
    double worstExcess = Double.NEGATIVE_INFINITY;
    long worst = -1;
    long fails = 0;
    long n = expected.size();
    for (long i = 0; i < n; i++) {
      double a = actual.getDouble(i);
      double e = expected.getDouble(i);
      if (Double.isNaN(a) || Double.isNaN(e)) {
        if (!(Double.isNaN(a) && Double.isNaN(e))) {
          fails++;
          if (worstExcess < Double.POSITIVE_INFINITY) {
            worstExcess = Double.POSITIVE_INFINITY;
            worst = i;
          }
          maxAbs = Double.NaN;
        }
        continue;
      }
      double d = a == e ? 0 : Math.abs(a - e);
      if (!(maxAbs >= d)) {
        maxAbs = Double.isNaN(maxAbs) ? maxAbs : d;
      }
      if (e != 0) {
        maxRel = Math.max(maxRel, d / Math.abs(e));
      }
      double excess = d - (either ? Math.max(atol, rtol * Math.abs(e))
          : atol + rtol * Math.abs(e));
      if (excess > 0) {
        fails++;
      }
      if (excess > worstExcess) {
        worstExcess = excess;
        worst = i;
      }
    }
    return new Comparison(name, true, actual.shape(), expected.shape(), maxAbs, maxRel, worst,
        fails, n, atol, rtol);
  }

  public boolean passed() {
    return shapeMatches && failures == 0;
  }

  /** One line: name, max differences, the tolerance and the verdict. */
  public String report() {
    if (!shapeMatches) {
      return String.format(Locale.ROOT, "%s: FAIL shape %s, expected %s", name,
          Arrays.toString(actualShape), Arrays.toString(expectedShape));
    }
    return String.format(Locale.ROOT,
        "%s: %s max_abs_diff=%.3e max_rel_diff=%.3e (%d of %d elements outside atol=%.1e"
            + " + rtol=%.1e*|expected|)",
        name, passed() ? "ok" : "FAIL", maxAbs, maxRel, failures, size, atol, rtol);
  }
}
