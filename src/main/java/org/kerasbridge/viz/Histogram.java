package org.kerasbridge.viz;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.kerasbridge.ndarray.NpyArray;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * One or more distributions as overlaid histograms over shared bins, e.g. the code activations
 * of a standard and a sparse autoencoder.
 *
 * <pre>{@code
 * Histogram.titled("Code activations").series("standard", a).series("sparse", b).bins(60)
 *     .xLabel("activation").write(Path.of("codes.png"), 800, 500);
 * }</pre>
 *
 * <p>Bins split {@code [lo, hi]} evenly, as {@code numpy.histogram} does: the last bin includes
 * {@code hi}, values outside the range and non-finite values are not counted. The range defaults
 * to the finite minimum and maximum over all series. Bars are translucent with a solid outline,
 * so overlapping distributions stay readable.
 */
public final class Histogram extends Chart<Histogram> {
  private record Series(String name, double[] values) {}

  private final List<Series> series = new ArrayList<>();
  private int bins = 50;
  private double lo = Double.NaN;
  private double hi = Double.NaN;

  private Histogram(String title) {
    super(title);
  }

  public static Histogram titled(String title) {
    return new Histogram(title);
  }

  public Histogram series(String name, double[] values) {
    series.add(new Series(Objects.requireNonNull(name, "name"), values.clone()));
    return this;
  }

  /** Every element of {@code values}, whatever its shape. */
  public Histogram series(String name, NpyArray values) {
    double[] v = new double[Math.toIntExact(values.size())];
    for (int i = 0; i < v.length; i++) {
      v[i] = values.getDouble(i);
    }
    return series(name, v);
  }

  /** The number of bins (default 50). */
  public Histogram bins(int n) {
    if (n <= 0) {
      throw new IllegalArgumentException("bins must be positive, got " + n);
    }
    this.bins = n;
    return this;
  }

  /** The binned range (default: the data's finite min and max). */
  public Histogram range(double low, double high) {
    if (!(low < high)) {
      throw new IllegalArgumentException("range needs low < high, got [" + low + ", " + high
          + "]");
    }
    this.lo = low;
    this.hi = high;
    return this;
  }

  /** Counts per bin for each series, over {@code [lo, hi]}. */
  long[][] counts(double low, double high) {
    long[][] out = new long[series.size()][bins];
    double width = (high - low) / bins;
    for (int k = 0; k < series.size(); k++) {
      for (double v : series.get(k).values()) {
        if (v >= low && v <= high) {
          int b = width > 0 ? (int) ((v - low) / width) : 0;
          out[k][Math.min(b, bins - 1)]++;
        }
      }
    }
    return out;
  }

  @Override
  String defaultYLabel() {
    return "count";
  }

  @Override
  boolean fill(XYChart chart) {
    double low = lo;
    double high = hi;
    if (Double.isNaN(low)) {
      low = Double.POSITIVE_INFINITY;
      high = Double.NEGATIVE_INFINITY;
      for (Series s : series) {
        for (double v : s.values()) {
          if (Double.isFinite(v)) {
            low = Math.min(low, v);
            high = Math.max(high, v);
          }
        }
      }
      if (low > high) {
        low = 0;
        high = 1;
      }
      if (high <= low) {
        low -= 0.5;
        high += 0.5;
      }
    }
    long[][] counts = counts(low, high);
    double binW = (high - low) / bins;
    // each distribution as a filled step outline over the bin edges: translucent, so overlapping
    // distributions stay readable
    for (int k = 0; k < counts.length; k++) {
      double[] xs = new double[2 * bins + 2];
      double[] ys = new double[2 * bins + 2];
      xs[0] = low;
      ys[0] = 0;
      for (int b = 0; b < bins; b++) {
        xs[2 * b + 1] = low + b * binW;
        ys[2 * b + 1] = counts[k][b];
        xs[2 * b + 2] = low + (b + 1) * binW;
        ys[2 * b + 2] = counts[k][b];
      }
      xs[2 * bins + 1] = high;
      ys[2 * bins + 1] = 0;
      String name = series.get(k).name();
      XYSeries s = chart.addSeries(name.isEmpty() ? "series " + k : name, xs, ys);
      s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Area);
      s.setMarker(SeriesMarkers.NONE);
      s.setLineColor(Palette.color(k));
      s.setFillColor(Palette.withAlpha(Palette.color(k), 100));
      s.setLineWidth(1.5f);
      s.setShowInLegend(!name.isEmpty());
    }
    chart.getStyler().setYAxisMin(0.0);
    chart.getStyler().setXAxisMin(low);
    chart.getStyler().setXAxisMax(high);
    return !series.isEmpty();
  }
}
