package org.kerasbridge.viz;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.kerasbridge.ndarray.NpyArray;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * One or more named series as lines, e.g. {@code loss} and {@code val_loss} per epoch, or target
 * and prediction over time steps.
 *
 * <pre>{@code
 * LineChart.titled("Training").series("loss", loss).series("val_loss", valLoss)
 *     .xLabel("epoch").yLabel("loss").write(Path.of("loss.png"), 800, 500);
 * }</pre>
 *
 * <p>Series with up to 50 points get a dot at each point. Non-finite values leave a gap. Points
 * are joined in the order given.
 */
public final class LineChart extends Chart<LineChart> {
  private static final int MARKER_LIMIT = 50;

  private record Series(String name, double[] xs, double[] ys) {}

  private final List<Series> series = new ArrayList<>();

  private LineChart(String title) {
    super(title);
  }

  public static LineChart titled(String title) {
    return new LineChart(title);
  }

  /** A series of points {@code (xs[i], ys[i])}. */
  public LineChart series(String name, double[] xs, double[] ys) {
    Objects.requireNonNull(name, "name");
    if (xs.length != ys.length) {
      throw new IllegalArgumentException("series '" + name + "': " + xs.length + " x values but "
          + ys.length + " y values");
    }
    series.add(new Series(name, xs.clone(), ys.clone()));
    return this;
  }

  /** A series over x = 1, 2, ..., n: epochs as Keras's progress log numbers them. */
  public LineChart series(String name, double[] ys) {
    double[] xs = new double[ys.length];
    for (int i = 0; i < xs.length; i++) {
      xs[i] = i + 1;
    }
    return series(name, xs, ys);
  }

  /** A series over x = 0, 1, ..., n-1 (time steps) from any array, read in C order. */
  public LineChart series(String name, NpyArray ys) {
    int n = Math.toIntExact(ys.size());
    double[] xs = new double[n];
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      xs[i] = i;
      v[i] = ys.getDouble(i);
    }
    return series(name, xs, v);
  }

  @Override
  boolean fill(XYChart chart) {
    boolean integerX = !series.isEmpty();
    for (Series s : series) {
      for (double x : s.xs()) {
        integerX &= !Double.isFinite(x) || x == Math.rint(x);
      }
    }
    if (integerX) {
      chart.getStyler().setXAxisDecimalPattern("0"); // epochs and steps: no 1.5
    } else {
      niceXAxis(chart);
    }
    niceYLabels(chart);
    boolean named = false;
    for (int k = 0; k < series.size(); k++) {
      Series s = series.get(k);
      // non-finite values leave a gap: XChart breaks a line at NaN
      double[] ys = s.ys().clone();
      double[] xs = s.xs().clone();
      for (int i = 0; i < ys.length; i++) {
        if (!Double.isFinite(xs[i]) || !Double.isFinite(ys[i])) {
          xs[i] = i > 0 ? xs[i - 1] : 0;
          ys[i] = Double.NaN;
        }
      }
      XYSeries xy = chart.addSeries(s.name().isEmpty() ? "series " + k : s.name(), xs, ys);
      xy.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
      xy.setLineWidth(2f);
      xy.setMarker(s.xs().length <= MARKER_LIMIT ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
      xy.setShowInLegend(!s.name().isEmpty());
      named |= !s.name().isEmpty();
    }
    chart.getStyler().setLegendVisible(named);
    chart.getStyler().setMarkerSize(6);
    return !series.isEmpty();
  }

  /**
   * XChart starts its ticks at the data's minimum (x = 0.0625 for a first batch, 1.2732... for
   * a time axis); bounds on a round step give round ticks, printed with as many decimals as the
   * step needs.
   */
  private void niceXAxis(XYChart chart) {
    double[] r = range(true);
    if (!(r[1] > r[0])) {
      return;
    }
    double step = niceStep(r[1] - r[0]);
    chart.getStyler().setXAxisMin(Math.floor(r[0] / step) * step);
    chart.getStyler().setXAxisMax(Math.ceil(r[1] / step) * step);
    chart.getStyler().setXAxisDecimalPattern(pattern(step));
  }

  /** Y labels with the decimals a round step over the data needs ("0.08", not ".08"). */
  private void niceYLabels(XYChart chart) {
    double[] r = range(false);
    if (r[1] > r[0]) {
      chart.getStyler().setYAxisDecimalPattern(pattern(niceStep(r[1] - r[0])));
    }
  }

  private double[] range(boolean x) {
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (Series s : series) {
      for (double v : x ? s.xs() : s.ys()) {
        if (Double.isFinite(v)) {
          min = Math.min(min, v);
          max = Math.max(max, v);
        }
      }
    }
    return new double[] {min, max};
  }

  /** 1, 2 or 5 times a power of ten, about an eighth of {@code span}. */
  private static double niceStep(double span) {
    double raw = span / 8;
    double mag = Math.pow(10, Math.floor(Math.log10(raw)));
    return raw / mag <= 1 ? mag : raw / mag <= 2 ? 2 * mag : raw / mag <= 5 ? 5 * mag : 10 * mag;
  }

  private static String pattern(double step) {
    int decimals = (int) Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
    return decimals == 0 ? "#,##0" : "#,##0." + "0".repeat(decimals);
  }
}
