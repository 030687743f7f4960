package org.kerasbridge.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

/**
 * The bar chart of {@code bench/run.sh}: one bar per (figure, model) ratio, one series per kind of
 * comparison. Input: a CSV {@code series,label,ratio} (from {@code bench/report.py}); output: PNG.
 *
 * <p>Usage: {@code RatioChart RATIOS.csv OUT.png TITLE}
 */
public final class RatioChart {
  private RatioChart() {}

  public static void main(String[] a) throws IOException {
    Map<String, Map<String, Double>> series = new LinkedHashMap<>();
    List<String> labels = new ArrayList<>();
    for (String line : Files.readAllLines(Path.of(a[0]))) {
      String[] f = line.split(",");
      if (f.length != 3 || f[0].equals("series")) {
        continue;
      }
      series.computeIfAbsent(f[0], k -> new LinkedHashMap<>()).put(f[1], Double.parseDouble(f[2]));
      if (!labels.contains(f[1])) {
        labels.add(f[1]);
      }
    }
    if (labels.isEmpty()) {
      System.err.println("RatioChart: no ratios in " + a[0] + "; no chart written");
      return;
    }
    CategoryChart c = new CategoryChartBuilder().width(Math.max(900, 60 * labels.size()))
        .height(600).title(a.length > 2 ? a[2] : "KerasBridge / reference (higher is better)")
        .xAxisTitle("model").yAxisTitle("ratio (> 1: KerasBridge better)").build();
    c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
    c.getStyler().setXAxisLabelRotation(60);
    c.getStyler().setOverlapped(false);
    // ratios span 0.5x to several hundred x: the axis stops at 10x (exact values in RESULTS.md)
    c.getStyler().setYAxisMax(10.0);
    c.getStyler().setYAxisMin(0.0);
    c.getStyler().setAvailableSpaceFill(0.8);
    for (var s : series.entrySet()) {
      // every series on every label (XChart needs one category list); a missing ratio is drawn as
      // 1 (no bar above or below the parity line) rather than left out
      List<Double> ys = new ArrayList<>();
      for (String l : labels) {
        ys.add(s.getValue().getOrDefault(l, 1.0));
      }
      c.addSeries(s.getKey(), labels, ys);
    }
    BitmapEncoder.saveBitmap(c, a[1], BitmapEncoder.BitmapFormat.PNG);
  }
}
