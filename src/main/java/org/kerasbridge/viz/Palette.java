package org.kerasbridge.viz;

import java.awt.Color;

/** matplotlib's {@code tab10} colours, so class 3 here is the colour it is in the tutorials. */
final class Palette {
  private static final Color[] TAB10 = {
      new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728),
      new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f),
      new Color(0xbcbd22), new Color(0x17becf),
  };

  private Palette() {}

  static Color color(int i) {
    return TAB10[Math.floorMod(i, TAB10.length)];
  }

  static Color withAlpha(Color c, int alpha) {
    return new Color(c.getRed(), c.getGreen(), c.getBlue(), alpha);
  }

  static Color[] tab10() {
    return TAB10.clone();
  }
}
