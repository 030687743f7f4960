package org.kerasbridge.viz;

import java.awt.Color;
import java.awt.Font;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Objects;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;

/**
 * What {@link LineChart}, {@link ScatterPlot} and {@link Histogram} share: a title, axis labels,
 * and output as an image of a requested size. Drawing is XChart's ({@code org.knowm.xchart}); this
 * class only sets the common look (white background, light grid, matplotlib's {@code tab10}
 * colours, so a class has the colour it has in the tutorials' matplotlib pictures).
 *
 * @param <C> the concrete chart, so the setters chain
 */
public abstract class Chart<C extends Chart<C>> {
  static final Font TITLE_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 16);
  static final Font LABEL_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
  static final Font TICK_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 11);

  private final String title;
  private String xLabel = "";
  private String yLabel = "";

  Chart(String title) {
    this.title = Objects.requireNonNull(title, "title");
  }

  public C xLabel(String label) {
    this.xLabel = Objects.requireNonNull(label, "label");
    return self();
  }

  public C yLabel(String label) {
    this.yLabel = Objects.requireNonNull(label, "label");
    return self();
  }

  /** The chart drawn on a white {@code width x height} image. */
  public BufferedImage render(int width, int height) {
    Png.canvas(width, height); // the size check, with the same message as the image grid
    XYChart chart = new XYChartBuilder().width(width).height(height).title(title)
        .xAxisTitle(xLabel).yAxisTitle(yLabel.isEmpty() ? defaultYLabel() : yLabel).build();
    style(chart.getStyler(), !title.isEmpty());
    if (!fill(chart)) {
      // nothing to plot: XChart needs a series for its axes; an invisible point keeps the frame
      org.knowm.xchart.XYSeries s = chart.addSeries(" ", new double[] {0}, new double[] {0});
      s.setShowInLegend(false);
      s.setMarkerColor(new Color(0, 0, 0, 0));
      s.setLineColor(new Color(0, 0, 0, 0));
    }
    return BitmapEncoder.getBufferedImage(chart);
  }

  /** Writes the chart as a {@code width x height} PNG, atomically. */
  public void write(Path file, int width, int height) {
    Png.write(render(width, height), file);
  }

  /** Adds the series; false when there is nothing to draw. */
  abstract boolean fill(XYChart chart);

  String defaultYLabel() {
    return "";
  }

  private static void style(XYStyler s, boolean hasTitle) {
    s.setChartBackgroundColor(Color.WHITE);
    s.setPlotBackgroundColor(Color.WHITE);
    s.setPlotBorderColor(new Color(0x80, 0x80, 0x80));
    s.setPlotGridLinesColor(new Color(0xe6, 0xe6, 0xe6));
    s.setChartTitleVisible(hasTitle);
    s.setChartTitleBoxVisible(false);
    s.setChartTitleFont(TITLE_FONT);
    s.setAxisTitleFont(LABEL_FONT);
    s.setAxisTickLabelsFont(TICK_FONT);
    s.setLegendFont(TICK_FONT);
    s.setLegendBorderColor(new Color(0xcc, 0xcc, 0xcc));
    s.setLegendPosition(Styler.LegendPosition.InsideNE);
    s.setSeriesColors(Palette.tab10());
    s.setAntiAlias(true);
    s.setChartPadding(12);
  }

  @SuppressWarnings("unchecked")
  private C self() {
    return (C) this;
  }
}
