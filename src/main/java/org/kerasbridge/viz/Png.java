package org.kerasbridge.viz;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.kerasbridge.io.AtomicFiles;

/** Canvas creation and atomic PNG output for the charts. */
final class Png {
  static {
    // Before any AWT class looks at the display: charts are drawn on servers without one. A
    // caller who set the property explicitly keeps their choice.
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true");
    }
  }

  private Png() {}

  /** A white RGB image of the given size. */
  static BufferedImage canvas(int width, int height) {
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException("image size must be positive, got " + width + "x"
          + height);
    }
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, width, height);
    g.dispose();
    return img;
  }

  /** Graphics with antialiasing for shapes and text. */
  static Graphics2D graphics(BufferedImage img) {
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING,
        RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
    return g;
  }

  /** Writes {@code img} as PNG; an existing file is replaced only once the new one is complete. */
  static void write(BufferedImage img, Path file) {
    AtomicFiles.writeFile(file, true, tmp -> {
      if (!ImageIO.write(img, "png", tmp.toFile())) {
        throw new IOException("this JDK has no PNG writer");
      }
    });
  }
}
