package org.kerasbridge.viz;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import org.kerasbridge.ndarray.NpyArray;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * 2-D points coloured by an integer class, with a legend of the classes present: the latent space
 * of an autoencoder coloured by digit.
 *
 * <pre>{@code
 * ScatterPlot.titled("Latent space").points(codes, yTest).xLabel("z[0]").yLabel("z[1]")
 *     .write(Path.of("latent.png"), 700, 600);
 * }</pre>
 *
 * <p>Points are drawn translucent, in the order given, coloured by matplotlib's {@code tab10}.
 */
public final class ScatterPlot extends Chart<ScatterPlot> {
  private final List<double[]> xs = new ArrayList<>();
  private final List<double[]> ys = new ArrayList<>();
  private final List<int[]> classes = new ArrayList<>();
  private List<String> classNames = List.of();

  private ScatterPlot(String title) {
    super(title);
  }

  public static ScatterPlot titled(String title) {
    return new ScatterPlot(title);
  }

  /** Points {@code (xs[i], ys[i])} of class {@code classes[i]} (0, 1, ...). */
  public ScatterPlot points(double[] x, double[] y, int[] cls) {
    if (x.length != y.length || x.length != cls.length) {
      throw new IllegalArgumentException("points: " + x.length + " x, " + y.length + " y and "
          + cls.length + " classes; expected as many of each");
    }
    for (int c : cls) {
      if (c < 0) {
        throw new IllegalArgumentException("points: class " + c + " is negative");
      }
    }
    xs.add(x.clone());
    ys.add(y.clone());
    classes.add(cls.clone());
    return this;
  }

  /** Points from an {@code (N, 2)} array (any dtype) and integer labels {@code (N,)}. */
  public ScatterPlot points(NpyArray xy, NpyArray labels) {
    long[] s = xy.shape();
    if (s.length != 2 || s[1] != 2) {
      throw new IllegalArgumentException("points: expected an (N, 2) array, got " + xy);
    }
    int n = Math.toIntExact(s[0]);
    if (labels.size() != n) {
      throw new IllegalArgumentException("points: " + n + " points but " + labels.size()
          + " labels");
    }
    double[] x = new double[n];
    double[] y = new double[n];
    int[] c = new int[n];
    for (int i = 0; i < n; i++) {
      x[i] = xy.getDouble(2L * i);
      y[i] = xy.getDouble(2L * i + 1);
      c[i] = (int) labels.getDouble(i);
    }
    return points(x, y, c);
  }

  /** Legend names of classes 0, 1, ... (default: the class numbers). */
  public ScatterPlot classNames(List<String> names) {
    this.classNames = List.copyOf(Objects.requireNonNull(names, "names"));
    return this;
  }

  @Override
  boolean fill(XYChart chart) {
    TreeSet<Integer> present = new TreeSet<>();
    int total = 0;
    for (int[] cs : classes) {
      for (int c : cs) {
        present.add(c);
      }
      total += cs.length;
    }
    // one XChart series per class, drawn in class order
    for (int c : present) {
      List<Double> px = new ArrayList<>();
      List<Double> py = new ArrayList<>();
      for (int k = 0; k < xs.size(); k++) {
        for (int i = 0; i < xs.get(k).length; i++) {
          double x = xs.get(k)[i];
          double y = ys.get(k)[i];
          if (classes.get(k)[i] == c && Double.isFinite(x) && Double.isFinite(y)) {
            px.add(x);
            py.add(y);
          }
        }
      }
      if (px.isEmpty()) {
        continue;
      }
      String name = c < classNames.size() ? classNames.get(c) : Integer.toString(c);
      XYSeries s = chart.addSeries(name, px, py);
      s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
      s.setMarker(SeriesMarkers.CIRCLE);
      s.setMarkerColor(Palette.withAlpha(Palette.color(c), 200));
    }
    chart.getStyler().setMarkerSize(total > 2000 ? 5 : 7);
    chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
    return !present.isEmpty();
  }
}
