package org.kerasbridge.viz;

import java.awt.Graphics2D;
import java.awt.geom.Ellipse2D;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import org.kerasbridge.ndarray.NpyArray;

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
  void draw(Graphics2D g, int width, int height) {
    TreeSet<Integer> present = new TreeSet<>();
    classes.forEach(cs -> {
      for (int c : cs) {
        present.add(c);
      }
    });
    List<Legend.Entry> legend = new ArrayList<>();
    for (int c : present) {
      String name = c < classNames.size() ? classNames.get(c) : Integer.toString(c);
      legend.add(new Legend.Entry(name, Palette.color(c), Legend.Mark.DOT));
    }
    int legendW = legend.isEmpty() ? 0 : Legend.size(g, legend).width + 12;
    double[] xr = Ranges.of(xs.stream());
    double[] yr = Ranges.of(ys.stream());
    Axes.Labels labels = labels("");
    Axes axes = Axes.layout(g, width, height, xr[0], xr[1], false, yr[0], yr[1], labels,
        legendW);
    axes.drawGrid(g);
    int total = xs.stream().mapToInt(a -> a.length).sum();
    double r = total > 2000 ? 2 : 3;
    g.setClip(axes.area);
    for (int k = 0; k < xs.size(); k++) {
      double[] x = xs.get(k);
      double[] y = ys.get(k);
      int[] c = classes.get(k);
      for (int i = 0; i < x.length; i++) {
        if (Double.isFinite(x[i]) && Double.isFinite(y[i])) {
          g.setColor(Palette.withAlpha(Palette.color(c[i]), 170));
          g.fill(new Ellipse2D.Double(axes.px(x[i]) - r, axes.py(y[i]) - r, 2 * r, 2 * r));
        }
      }
    }
    g.setClip(null);
    axes.drawFrame(g, labels, width);
    Legend.draw(g, legend, axes.area.x + axes.area.width + 12, axes.area.y);
  }
}
