package org.kerasbridge.viz;

import java.awt.Color;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.kerasbridge.ndarray.DType;
import org.kerasbridge.ndarray.NpyArray;

/**
 * Rows of small grayscale images, e.g. test digits on top and their reconstructions below, each
 * row optionally labelled on the left.
 *
 * <pre>{@code
 * ImageGrid.titled("Denoising").row("noisy", noisy).row("reconstructed", decoded)
 *     .write(Path.of("denoise.png"));
 * }</pre>
 *
 * <p>A row takes images shaped {@code (N, H, W)}, {@code (N, H, W, 1)}, {@code (N, 1, H, W)} or
 * flattened {@code (N, H*W)} with {@code H = W}; the first {@link #columns} of them are shown.
 * Values map linearly from {@link #range} (default {@code [0, 255]} for uint8, {@code [0, 1]}
 * otherwise) to black..white, clamped; NaN shows as red. Each pixel becomes a {@link #scale} x
 * scale square, so the image size follows from the content: see {@link #render()}.
 */
public final class ImageGrid {
  private static final int GAP = 4;
  private static final Color NAN = new Color(0xd62728);

  private record Row(String label, NpyArray images) {}

  private final String title;
  private final List<Row> rows = new ArrayList<>();
  private int columns = 10;
  private int scale = 3;
  private double lo = Double.NaN;
  private double hi = Double.NaN;

  private ImageGrid(String title) {
    this.title = Objects.requireNonNull(title, "title");
  }

  public static ImageGrid titled(String title) {
    return new ImageGrid(title);
  }

  /** A grid without a title. */
  public static ImageGrid create() {
    return new ImageGrid("");
  }

  /** A row of images with a label at its left ({@code ""} for none). */
  public ImageGrid row(String label, NpyArray images) {
    imageSize(images);
    rows.add(new Row(Objects.requireNonNull(label, "label"), images));
    return this;
  }

  public ImageGrid row(NpyArray images) {
    return row("", images);
  }

  /** At most this many images per row (default 10). */
  public ImageGrid columns(int n) {
    if (n <= 0) {
      throw new IllegalArgumentException("columns must be positive, got " + n);
    }
    this.columns = n;
    return this;
  }

  /** Each image pixel becomes a {@code factor x factor} square (default 3: 28 px become 84). */
  public ImageGrid scale(int factor) {
    if (factor <= 0) {
      throw new IllegalArgumentException("scale must be positive, got " + factor);
    }
    this.scale = factor;
    return this;
  }

  /** The values shown as black and white. */
  public ImageGrid range(double black, double white) {
    if (!(black < white)) {
      throw new IllegalArgumentException("range needs black < white, got [" + black + ", "
          + white + "]");
    }
    this.lo = black;
    this.hi = white;
    return this;
  }

  /**
   * The grid as an image: {@code labelWidth + c * (W * scale + 4) + 4} pixels wide and {@code
   * titleHeight + r * (H * scale + 4) + 4} high, for c columns and r rows.
   */
  public BufferedImage render() {
    if (rows.isEmpty()) {
      throw new IllegalStateException("an ImageGrid needs at least one row");
    }
    BufferedImage probe = Png.canvas(1, 1);
    Graphics2D pg = Png.graphics(probe);
    FontMetrics lm = pg.getFontMetrics(Chart.LABEL_FONT);
    FontMetrics tm = pg.getFontMetrics(Chart.TITLE_FONT);
    int labelW = 0;
    int cols = 0;
    int cellW = 0;
    int cellH = 0;
    for (Row r : rows) {
      if (!r.label().isEmpty()) {
        labelW = Math.max(labelW, lm.stringWidth(r.label()) + 2 * GAP);
      }
      int[] hw = imageSize(r.images());
      cols = Math.max(cols, (int) Math.min(columns, r.images().shape()[0]));
      cellW = Math.max(cellW, hw[1] * scale);
      cellH = Math.max(cellH, hw[0] * scale);
    }
    pg.dispose();
    cols = Math.max(cols, 1);
    int titleH = title.isEmpty() ? 0 : tm.getHeight() + GAP;
    int width = labelW + cols * (cellW + GAP) + GAP;
    int height = titleH + rows.size() * (cellH + GAP) + GAP;
    BufferedImage img = Png.canvas(width, height);
    Graphics2D g = Png.graphics(img);
    try {
      g.setColor(new Color(0x333333));
      if (!title.isEmpty()) {
        g.setFont(Chart.TITLE_FONT);
        g.drawString(title, Math.max(GAP, (width - tm.stringWidth(title)) / 2),
            GAP + tm.getAscent());
      }
      g.setFont(Chart.LABEL_FONT);
      for (int r = 0; r < rows.size(); r++) {
        Row row = rows.get(r);
        int y = titleH + GAP + r * (cellH + GAP);
        if (!row.label().isEmpty()) {
          g.setColor(new Color(0x333333));
          g.drawString(row.label(), labelW - GAP - lm.stringWidth(row.label()),
              y + (cellH + lm.getAscent() - lm.getDescent()) / 2);
        }
        int n = (int) Math.min(columns, row.images().shape()[0]);
        for (int c = 0; c < n; c++) {
          paint(img, row.images(), c, labelW + GAP + c * (cellW + GAP), y);
        }
      }
    } finally {
      g.dispose();
    }
    return img;
  }

  /** Writes {@link #render()} as PNG, atomically. */
  public void write(Path file) {
    Png.write(render(), file);
  }

  private void paint(BufferedImage img, NpyArray images, int index, int x0, int y0) {
    int[] hw = imageSize(images);
    int h = hw[0];
    int w = hw[1];
    double black = lo;
    double white = hi;
    if (Double.isNaN(black)) {
      black = 0;
      white = images.dtype() == DType.UINT8 ? 255 : 1;
    }
    long base = (long) index * h * w;
    int[] line = new int[scale];
    for (int i = 0; i < h; i++) {
      for (int j = 0; j < w; j++) {
        double v = images.getDouble(base + (long) i * w + j);
        int rgb;
        if (Double.isNaN(v)) {
          rgb = NAN.getRGB();
        } else {
          double t = Math.max(0, Math.min(1, (v - black) / (white - black)));
          int gray = (int) Math.round(t * 255);
          rgb = 0xff000000 | gray << 16 | gray << 8 | gray;
        }
        Arrays.fill(line, rgb);
        for (int dy = 0; dy < scale; dy++) {
          img.setRGB(x0 + j * scale, y0 + i * scale + dy, scale, 1, line, 0, scale);
        }
      }
    }
  }

  /** {@code {H, W}} of each image in {@code images}. */
  private static int[] imageSize(NpyArray images) {
    long[] s = images.shape();
    if (s.length == 3) {
      return new int[] {Math.toIntExact(s[1]), Math.toIntExact(s[2])};
    }
    if (s.length == 4 && s[3] == 1) {
      return new int[] {Math.toIntExact(s[1]), Math.toIntExact(s[2])};
    }
    if (s.length == 4 && s[1] == 1) {
      return new int[] {Math.toIntExact(s[2]), Math.toIntExact(s[3])};
    }
    if (s.length == 2) {
      int side = (int) Math.round(Math.sqrt(s[1]));
      if ((long) side * side == s[1]) {
        return new int[] {side, side};
      }
    }
    throw new IllegalArgumentException("ImageGrid rows take images shaped (N, H, W), (N, H, W, 1),"
        + " (N, 1, H, W) or square (N, H*W); got " + images);
  }
}
