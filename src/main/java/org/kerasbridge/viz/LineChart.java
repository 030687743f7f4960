package org.kerasbridge.viz;

import java.awt.BasicStroke;
import java.awt.Graphics2D;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.kerasbridge.ndarray.NpyArray;

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
  void draw(Graphics2D g, int width, int height) {
    double[] xr = Ranges.of(series.stream().map(Series::xs));
    double[] yr = Ranges.of(series.stream().map(Series::ys));
    boolean integerX = series.stream().allMatch(s -> Ranges.allIntegers(s.xs()));
    Axes.Labels labels = labels("");
    Axes axes = Axes.layout(g, width, height, xr[0], xr[1], integerX, yr[0], yr[1], labels, 0);
    axes.drawGrid(g);
    g.setClip(axes.area.x - 4, axes.area.y - 4, axes.area.width + 9, axes.area.height + 9);
    List<Legend.Entry> legend = new ArrayList<>();
    for (int k = 0; k < series.size(); k++) {
      Series s = series.get(k);
      g.setColor(Palette.color(k));
      g.setStroke(new BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
      Path2D.Double path = new Path2D.Double();
      boolean pen = false;
      for (int i = 0; i < s.xs().length; i++) {
        if (!Double.isFinite(s.xs()[i]) || !Double.isFinite(s.ys()[i])) {
          pen = false;
          continue;
        }
        double px = axes.px(s.xs()[i]);
        double py = axes.py(s.ys()[i]);
        if (pen) {
          path.lineTo(px, py);
        } else {
          path.moveTo(px, py);
          pen = true;
        }
        if (s.xs().length <= MARKER_LIMIT) {
          g.fill(new Ellipse2D.Double(px - 3, py - 3, 6, 6));
        }
      }
      g.draw(path);
      if (!s.name().isEmpty()) {
        legend.add(new Legend.Entry(s.name(), Palette.color(k), Legend.Mark.LINE));
      }
    }
    g.setClip(null);
    axes.drawFrame(g, labels, width);
    Legend.drawInside(g, legend, axes.area, r -> {
      int c = 0;
      for (Series s : series) {
        for (int i = 0; i < s.xs().length; i++) {
          c += r.contains(axes.px(s.xs()[i]), axes.py(s.ys()[i])) ? 1 : 0;
        }
      }
      return c;
    });
  }
}
