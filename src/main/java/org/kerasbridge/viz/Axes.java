package org.kerasbridge.viz;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.geom.AffineTransform;

/**
 * The frame shared by the charts: title, plot area, ticks, grid and axis labels, and the mapping
 * from data to pixels.
 */
final class Axes {
  static final Font TITLE_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 16);
  static final Font LABEL_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
  static final Font TICK_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 11);
  private static final Color GRID = new Color(0xe6e6e6);
  private static final Color INK = new Color(0x333333);

  final Ticks x;
  final Ticks y;
  final Rectangle area;

  private Axes(Ticks x, Ticks y, Rectangle area) {
    this.x = x;
    this.y = y;
    this.area = area;
  }

  /**
   * Fits a plot of {@code [xMin, xMax] x [yMin, yMax]} into a {@code width x height} image,
   * keeping {@code extraRight} pixels free on the right (for a legend outside the plot).
   */
  static Axes layout(Graphics2D g, int width, int height, double xMin, double xMax,
      boolean xInteger, double yMin, double yMax, Labels labels, int extraRight) {
    int titleH = g.getFontMetrics(TITLE_FONT).getHeight();
    int labelH = g.getFontMetrics(LABEL_FONT).getHeight();
    FontMetrics tick = g.getFontMetrics(TICK_FONT);
    int top = 10 + (labels.title().isEmpty() ? 0 : titleH + 6);
    int bottom = 8 + tick.getHeight() + 6 + (labels.x().isEmpty() ? 0 : labelH + 4);
    int areaH = Math.max(1, height - top - bottom);
    Ticks yt = Ticks.covering(yMin, yMax, areaH / 45, false);
    int yTickW = 0;
    for (double v : yt.values()) {
      yTickW = Math.max(yTickW, tick.stringWidth(yt.label(v)));
    }
    int left = 10 + (labels.y().isEmpty() ? 0 : labelH + 4) + yTickW + 8;
    int right = 16 + extraRight;
    int areaW = Math.max(1, width - left - right);
    Ticks xt = Ticks.covering(xMin, xMax, areaW / 90, xInteger);
    return new Axes(xt, yt, new Rectangle(left, top, areaW, areaH));
  }

  /** The title and axis labels of a chart; empty strings are left out. */
  record Labels(String title, String x, String y) {}

  double px(double v) {
    return area.x + (v - x.lo) / (x.hi - x.lo) * area.width;
  }

  double py(double v) {
    return area.y + area.height - (v - y.lo) / (y.hi - y.lo) * area.height;
  }

  /** Light grid lines at the ticks; drawn before the data. */
  void drawGrid(Graphics2D g) {
    g.setColor(GRID);
    g.setStroke(new BasicStroke(1f));
    for (double v : x.values()) {
      int p = (int) Math.round(px(v));
      g.drawLine(p, area.y, p, area.y + area.height);
    }
    for (double v : y.values()) {
      int p = (int) Math.round(py(v));
      g.drawLine(area.x, p, area.x + area.width, p);
    }
  }

  /** Frame, ticks, tick labels, axis labels and title; drawn after the data. */
  void drawFrame(Graphics2D g, Labels labels, int imageWidth) {
    g.setColor(INK);
    g.setStroke(new BasicStroke(1f));
    g.drawRect(area.x, area.y, area.width, area.height);
    g.setFont(TICK_FONT);
    FontMetrics fm = g.getFontMetrics();
    int bottom = area.y + area.height;
    for (double v : x.values()) {
      int p = (int) Math.round(px(v));
      g.drawLine(p, bottom, p, bottom + 4);
      String s = x.label(v);
      g.drawString(s, p - fm.stringWidth(s) / 2, bottom + 6 + fm.getAscent());
    }
    for (double v : y.values()) {
      int p = (int) Math.round(py(v));
      g.drawLine(area.x - 4, p, area.x, p);
      String s = y.label(v);
      g.drawString(s, area.x - 7 - fm.stringWidth(s), p + fm.getAscent() / 2 - 1);
    }
    g.setFont(LABEL_FONT);
    FontMetrics lm = g.getFontMetrics();
    if (!labels.x().isEmpty()) {
      int ly = bottom + 6 + fm.getHeight() + 4 + lm.getAscent();
      g.drawString(labels.x(), area.x + (area.width - lm.stringWidth(labels.x())) / 2, ly);
    }
    if (!labels.y().isEmpty()) {
      AffineTransform saved = g.getTransform();
      int cx = 10 + lm.getAscent();
      int cy = area.y + (area.height + lm.stringWidth(labels.y())) / 2;
      g.rotate(-Math.PI / 2, cx, cy);
      g.drawString(labels.y(), cx, cy);
      g.setTransform(saved);
    }
    if (!labels.title().isEmpty()) {
      g.setFont(TITLE_FONT);
      FontMetrics tm = g.getFontMetrics();
      int tx = area.x + (area.width - tm.stringWidth(labels.title())) / 2;
      tx = Math.max(4, Math.min(tx, imageWidth - tm.stringWidth(labels.title()) - 4));
      g.drawString(labels.title(), tx, 8 + tm.getAscent());
    }
  }
}
