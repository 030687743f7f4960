package org.kerasbridge.viz;

import java.awt.BasicStroke;
import java.awt.Graphics2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.kerasbridge.ndarray.NpyArray;

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
  void draw(Graphics2D g, int width, int height) {
    double low = lo;
    double high = hi;
    if (Double.isNaN(low)) {
      double[] r = Ranges.of(series.stream().map(Series::values));
      low = Double.isNaN(r[0]) ? 0 : r[0];
      high = Double.isNaN(r[1]) ? 1 : r[1];
      if (high <= low) {
        low -= 0.5;
        high += 0.5;
      }
    }
    long[][] counts = counts(low, high);
    long max = 1;
    for (long[] c : counts) {
      for (long v : c) {
        max = Math.max(max, v);
      }
    }
    Axes.Labels labels = labels("count");
    Axes axes = Axes.layout(g, width, height, low, high, false, 0, max * 1.05, labels, 0);
    axes.drawGrid(g);
    double binW = (high - low) / bins;
    List<Legend.Entry> legend = new ArrayList<>();
    for (int k = 0; k < counts.length; k++) {
      Path2D.Double outline = new Path2D.Double();
      outline.moveTo(axes.px(low), axes.py(0));
      for (int b = 0; b < bins; b++) {
        double x0 = axes.px(low + b * binW);
        double x1 = axes.px(low + (b + 1) * binW);
        double y = axes.py(counts[k][b]);
        g.setColor(Palette.withAlpha(Palette.color(k), 100));
        g.fill(new Rectangle2D.Double(x0, y, x1 - x0, axes.py(0) - y));
        outline.lineTo(x0, y);
        outline.lineTo(x1, y);
      }
      outline.lineTo(axes.px(high), axes.py(0));
      g.setColor(Palette.color(k));
      g.setStroke(new BasicStroke(1.5f));
      g.draw(outline);
      String name = series.get(k).name();
      if (!name.isEmpty()) {
        legend.add(new Legend.Entry(name, Palette.color(k), Legend.Mark.BOX));
      }
    }
    axes.drawFrame(g, labels, width);
    double[] top = new double[bins];
    Arrays.fill(top, axes.py(0));
    for (long[] c : counts) {
      for (int b = 0; b < bins; b++) {
        top[b] = Math.min(top[b], axes.py(c[b]));
      }
    }
    final double l = low;
    Legend.drawInside(g, legend, axes.area, r -> {
      int covered = 0;
      for (int b = 0; b < bins; b++) {
        double cx = axes.px(l + (b + 0.5) * binW);
        covered += cx >= r.x && cx <= r.x + r.width && top[b] < r.y + r.height ? 1 : 0;
      }
      return covered;
    });
  }
}
