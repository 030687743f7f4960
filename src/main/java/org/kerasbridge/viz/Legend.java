package org.kerasbridge.viz;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Dimension;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.util.List;
import java.util.function.ToIntFunction;

/** A boxed list of coloured marks and names. */
final class Legend {
  enum Mark { LINE, BOX, DOT }

  record Entry(String name, Color color, Mark mark) {}

  private static final int PAD = 6;
  private static final int MARK = 22;

  private Legend() {}

  static Dimension size(Graphics2D g, List<Entry> entries) {
    g.setFont(Axes.TICK_FONT.deriveFont(12f));
    FontMetrics fm = g.getFontMetrics();
    int w = 0;
    for (Entry e : entries) {
      w = Math.max(w, fm.stringWidth(e.name()));
    }
    return new Dimension(PAD * 3 + MARK + w, PAD * 2 + entries.size() * (fm.getHeight() + 2));
  }

  /**
   * Draws the legend inside the plot area, in whichever corner (top right, top left, bottom
   * right, bottom left, in that preference) covers the fewest data points by {@code covered}.
   */
  static void drawInside(Graphics2D g, List<Entry> entries, Rectangle area,
      ToIntFunction<Rectangle> covered) {
    if (entries.isEmpty()) {
      return;
    }
    Dimension d = size(g, entries);
    int m = 8;
    int right = area.x + area.width - d.width - m;
    int bottom = area.y + area.height - d.height - m;
    int[][] corners = {{right, area.y + m}, {area.x + m, area.y + m}, {right, bottom},
        {area.x + m, bottom}};
    int best = 0;
    int bestCount = Integer.MAX_VALUE;
    for (int i = 0; i < corners.length; i++) {
      int c = covered.applyAsInt(new Rectangle(corners[i][0], corners[i][1], d.width, d.height));
      if (c < bestCount) {
        best = i;
        bestCount = c;
      }
    }
    draw(g, entries, corners[best][0], corners[best][1]);
  }

  /** Draws the legend with its top-left corner at (x, y). */
  static void draw(Graphics2D g, List<Entry> entries, int x, int y) {
    if (entries.isEmpty()) {
      return;
    }
    Dimension d = size(g, entries);
    g.setColor(new Color(255, 255, 255, 225));
    g.fillRect(x, y, d.width, d.height);
    g.setColor(new Color(0xbbbbbb));
    g.setStroke(new BasicStroke(1f));
    g.drawRect(x, y, d.width, d.height);
    FontMetrics fm = g.getFontMetrics();
    int row = fm.getHeight() + 2;
    for (int i = 0; i < entries.size(); i++) {
      Entry e = entries.get(i);
      int cy = y + PAD + i * row + row / 2;
      int mx = x + PAD;
      g.setColor(e.color());
      switch (e.mark()) {
        case LINE:
          g.setStroke(new BasicStroke(2.5f));
          g.drawLine(mx, cy, mx + MARK, cy);
          break;
        case BOX:
          g.fillRect(mx + 3, cy - 5, MARK - 6, 10);
          break;
        case DOT:
          g.fillOval(mx + MARK / 2 - 4, cy - 4, 8, 8);
          break;
        default:
          throw new AssertionError(e.mark());
      }
      g.setColor(Color.DARK_GRAY);
      g.drawString(e.name(), mx + MARK + PAD, cy + fm.getAscent() / 2 - 1);
    }
  }
}
