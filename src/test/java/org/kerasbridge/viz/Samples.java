package org.kerasbridge.viz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/** Where the viz tests leave their PNGs for a look (target/viz-samples), and PNG checks. */
final class Samples {
  private Samples() {}

  static Path dir() {
    Path d = Paths.get("target", "viz-samples").toAbsolutePath();
    try {
      Files.createDirectories(d);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return d;
  }

  /** Reads the file back as PNG and checks its size and that no temporary file is left. */
  static BufferedImage readPng(Path file, int width, int height) throws IOException {
    byte[] head = Files.readAllBytes(file);
    assertTrue(head.length > 8 && head[1] == 'P' && head[2] == 'N' && head[3] == 'G',
        file + " is not a PNG");
    BufferedImage img = ImageIO.read(file.toFile());
    assertNotNull(img, file + " is not readable as an image");
    assertEquals(width, img.getWidth(), "width of " + file);
    assertEquals(height, img.getHeight(), "height of " + file);
    try (Stream<Path> s = Files.list(file.getParent())) {
      assertTrue(s.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")),
          "temporary file left in " + file.getParent());
    }
    return img;
  }

  /** How many pixels are within a small distance of {@code c} (antialiasing blends edges). */
  static int pixelsNear(BufferedImage img, Color c) {
    int n = 0;
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        Color p = new Color(img.getRGB(x, y));
        if (Math.abs(p.getRed() - c.getRed()) + Math.abs(p.getGreen() - c.getGreen())
            + Math.abs(p.getBlue() - c.getBlue()) < 30) {
          n++;
        }
      }
    }
    return n;
  }
}
