package org.kerasbridge.viz;

import java.util.Locale;

/**
 * "Nice" axis ticks, after Heckbert (Graphics Gems, 1990): steps of 1, 2 or 5 times a power of
 * ten, the one nearest an even split into the target count, with the axis extended outward to
 * whole steps.
 */
final class Ticks {
  final double lo;
  final double hi;
  final double step;
  /** Decimals for plain labels, or -1 for scientific ones. */
  private final int decimals;

  private Ticks(double lo, double hi, double step) {
    this.lo = lo;
    this.hi = hi;
    this.step = step;
    double mag = Math.max(Math.abs(lo), Math.abs(hi));
    boolean scientific = mag >= 1e6 || step < 1e-4;
    this.decimals = scientific ? -1 : Math.max(0, (int) -Math.floor(Math.log10(step) + 1e-9));
  }

  /**
   * About {@code target} ticks covering {@code [min, max]}; with {@code integer}, steps are
   * whole numbers (epochs, class indices). An empty or degenerate range is widened around it.
   */
  static Ticks covering(double min, double max, int target, boolean integer) {
    if (!Double.isFinite(min) || !Double.isFinite(max)) {
      min = 0;
      max = 1;
    }
    if (max <= min) {
      double d = min == 0 ? 1 : Math.abs(min) * 0.1;
      min -= d;
      max += d;
    }
    int n = Math.max(2, target);
    double step = nice((max - min) / (n - 1));
    if (integer) {
      step = Math.max(1, Math.rint(step));
    }
    double lo = Math.floor(min / step + 1e-9) * step;
    double hi = Math.ceil(max / step - 1e-9) * step;
    return new Ticks(lo, hi, step);
  }

  /** The tick values from {@link #lo} to {@link #hi}. */
  double[] values() {
    int n = (int) Math.round((hi - lo) / step) + 1;
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = lo + i * step;
    }
    return v;
  }

  /** {@code v} with as many digits as the step needs: {@code 0.25}, {@code 10}, {@code 2.5e+05}. */
  String label(double v) {
    if (Math.abs(v) < step * 1e-9) {
      return decimals > 0 ? String.format(Locale.ROOT, "%." + decimals + "f", 0.0) : "0";
    }
    if (decimals >= 0) {
      return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }
    int digits = (int) (Math.floor(Math.log10(Math.abs(v))) - Math.floor(Math.log10(step) + 1e-9));
    String sci = String.format(Locale.ROOT, "%." + Math.max(0, digits) + "e", v);
    return sci.contains(".") ? sci.replaceFirst("\\.?0+e", "e") : sci;
  }

  /** The 1, 2 or 5 times a power of ten nearest {@code x}. */
  private static double nice(double x) {
    double exp = Math.floor(Math.log10(x));
    double f = x / Math.pow(10, exp);
    double nf = f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10;
    return nf * Math.pow(10, exp);
  }
}
