package org.kerasbridge.spark;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Serializable;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.ByteType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.ShortType;
import org.kerasbridge.model.TensorSpec;
import org.kerasbridge.ndarray.DType;

/**
 * How one DataFrame column feeds one model input: the column's values for a row become that
 * row's slice of the input batch, as many numbers as the input's shape holds per row.
 *
 * <ul>
 *   <li>{@code array<float|double|int|long|short|byte>}: the row's values in row-major (C) order;
 *   <li>an ML {@code Vector} (dense or sparse): its values;
 *   <li>{@code binary} with {@code imageDecode=image}: a PNG, JPEG, BMP or GIF decoded with
 *       {@link ImageIO} to height x width x channels, each pixel divided by {@code pixelDivisor};
 *   <li>{@code binary} with {@code imageDecode=raw}: uint8 pixels in the input's order, divided
 *       by {@code pixelDivisor}.
 * </ul>
 */
final class InputColumn implements Serializable {
  private static final long serialVersionUID = 1L;

  enum Kind { NUMBERS, VECTOR, IMAGE, RAW }

  final String column;
  final Kind kind;
  final String inputName;
  final String inputShape;
  final DType dtype;
  final long[] shape;
  final int perRow;
  private final int height;
  private final int width;
  private final int channels;
  private final double divisor;

  private InputColumn(String column, Kind kind, TensorSpec input, int perRow, int height,
      int width, int channels, double divisor) {
    this.column = column;
    this.kind = kind;
    this.inputName = input.name();
    this.inputShape = input.shapeString();
    this.dtype = input.dtype();
    this.shape = input.shape();
    this.perRow = perRow;
    this.height = height;
    this.width = width;
    this.channels = channels;
    this.divisor = divisor;
  }

  /**
   * Checks that {@code type} can feed {@code input} and says how.
   *
   * @throws KerasSparkException naming the column, its type and what the input needs
   */
  static InputColumn of(String column, DataType type, TensorSpec input, String imageDecode,
      double divisor) {
    long[] shape = input.shape();
    if (shape == null || shape.length < 2) {
      throw new KerasSparkException("column '" + column + "': model input '" + input.name()
          + "' has shape " + input.shapeString() + "; scoring rows needs a batch dimension and"
          + " a fixed shape per row");
    }
    long per = 1;
    for (int i = 1; i < shape.length; i++) {
      if (shape[i] < 0) {
        throw new KerasSparkException("column '" + column + "': model input '" + input.name()
            + "' has shape " + input.shapeString() + "; scoring rows needs every dimension but"
            + " the batch fixed");
      }
      per *= shape[i];
    }
    int perRow = Math.toIntExact(per);
    if (type instanceof ArrayType a && isNumber(a.elementType())) {
      return new InputColumn(column, Kind.NUMBERS, input, perRow, 0, 0, 0, 1);
    }
    if (type instanceof VectorUDT) {
      return new InputColumn(column, Kind.VECTOR, input, perRow, 0, 0, 0, 1);
    }
    if (type instanceof BinaryType) {
      String mode = imageDecode == null ? "none" : imageDecode.toLowerCase(Locale.ROOT);
      if (mode.equals("raw")) {
        return new InputColumn(column, Kind.RAW, input, perRow, 0, 0, 0, divisor);
      }
      if (mode.equals("image")) {
        if (shape.length != 3 && shape.length != 4) {
          throw new KerasSparkException("column '" + column + "': decoding images needs a model"
              + " input of shape (None, height, width, channels) or (None, height, width); '"
              + input.name() + "' has shape " + input.shapeString());
        }
        int c = shape.length == 4 ? (int) shape[3] : 1;
        if (c != 1 && c != 3 && c != 4) {
          throw new KerasSparkException("column '" + column + "': model input '" + input.name()
              + "' of shape " + input.shapeString() + " has " + c + " channels; decoded images"
              + " have 1 (gray), 3 (RGB) or 4 (RGBA)");
        }
        return new InputColumn(column, Kind.IMAGE, input, perRow, (int) shape[1],
            (int) shape[2], c, divisor);
      }
      throw new KerasSparkException("column '" + column + "' is binary: set imageDecode to"
          + " 'image' (PNG, JPEG, BMP, GIF) or 'raw' (uint8 pixels), got '" + imageDecode + "'");
    }
    throw new KerasSparkException("column '" + column + "' has type " + type.simpleString()
        + "; model input '" + input.name() + "' of shape " + input.shapeString()
        + " takes array<float|double|int|long>, an ML vector, or binary images (imageDecode)"
        + ", with " + perRow + " values per row");
  }

  private static boolean isNumber(DataType t) {
    return t instanceof FloatType || t instanceof DoubleType || t instanceof IntegerType
        || t instanceof LongType || t instanceof ShortType || t instanceof ByteType;
  }

  /** A bad value in one row; the message names the column and what was expected. */
  static final class BadRow extends Exception {
    private static final long serialVersionUID = 1L;

    BadRow(String message) {
      super(message, null, false, false);
    }
  }

  private String expected() {
    return "model input '" + inputName + "' of shape " + inputShape + " takes " + perRow
        + " values per row";
  }

  /**
   * Writes the row's {@link #perRow} values at {@code out[offset..]}, as float (when {@code
   * floats} is non-null) or double.
   */
  void fill(Object value, float[] floats, double[] doubles, int offset) throws BadRow {
    if (value == null) {
      throw new BadRow("column '" + column + "' is null; " + expected());
    }
    switch (kind) {
      case NUMBERS -> fillNumbers(value, floats, doubles, offset);
      case VECTOR -> {
        Vector v = (Vector) value;
        if (v.size() != perRow) {
          throw new BadRow("column '" + column + "': got a vector of size " + v.size() + "; "
              + expected());
        }
        double[] a = v.toArray();
        for (int i = 0; i < perRow; i++) {
          put(floats, doubles, offset + i, a[i]);
        }
      }
      case RAW -> {
        byte[] b = (byte[]) value;
        if (b.length != perRow) {
          throw new BadRow("column '" + column + "': got " + b.length + " bytes; " + expected()
              + " (uint8 pixels)");
        }
        for (int i = 0; i < perRow; i++) {
          putPixel(floats, doubles, offset + i, b[i] & 0xff);
        }
      }
      case IMAGE -> fillImage((byte[]) value, floats, doubles, offset);
      default -> throw new IllegalStateException(kind.toString());
    }
  }

  private void fillNumbers(Object value, float[] floats, double[] doubles, int offset)
      throws BadRow {
    scala.collection.Seq<?> seq = (scala.collection.Seq<?>) value;
    int n = seq.length();
    if (n != perRow) {
      throw new BadRow("column '" + column + "': got an array of " + n + " values; "
          + expected());
    }
    scala.collection.Iterator<?> it = seq.iterator();
    for (int i = 0; i < n; i++) {
      Object o = it.next();
      if (o == null) {
        throw new BadRow("column '" + column + "': element " + i + " is null; " + expected());
      }
      if (floats != null && o instanceof Float f) {
        floats[offset + i] = f;
      } else {
        put(floats, doubles, offset + i, ((Number) o).doubleValue());
      }
    }
  }

  private void fillImage(byte[] bytes, float[] floats, double[] doubles, int offset)
      throws BadRow {
    BufferedImage img;
    try {
      img = ImageIO.read(new ByteArrayInputStream(bytes));
    } catch (IOException | RuntimeException e) {
      throw new BadRow("column '" + column + "': cannot decode the image (" + e.getMessage()
          + "); " + expected());
    }
    if (img == null) {
      throw new BadRow("column '" + column + "': " + bytes.length + " bytes that are not an"
          + " image ImageIO decodes (PNG, JPEG, BMP, GIF); " + expected());
    }
    if (img.getHeight() != height || img.getWidth() != width) {
      throw new BadRow("column '" + column + "': image of " + img.getHeight() + "x"
          + img.getWidth() + " (height x width); " + expected());
    }
    boolean gray = img.getRaster().getNumBands() == 1
        && !(img.getColorModel() instanceof IndexColorModel);
    if (channels == 1) {
      if (!gray) {
        throw new BadRow("column '" + column + "': a color image ("
            + img.getColorModel().getNumComponents() + " components); " + expected()
            + " (1 channel: a grayscale image)");
      }
      java.awt.image.Raster r = img.getRaster();
      int i = offset;
      for (int y = 0; y < height; y++) {
        for (int x = 0; x < width; x++) {
          putPixel(floats, doubles, i++, r.getSample(x, y, 0));
        }
      }
      return;
    }
    int i = offset;
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int argb = img.getRGB(x, y);
        putPixel(floats, doubles, i++, (argb >> 16) & 0xff);
        putPixel(floats, doubles, i++, (argb >> 8) & 0xff);
        putPixel(floats, doubles, i++, argb & 0xff);
        if (channels == 4) {
          putPixel(floats, doubles, i++, (argb >>> 24) & 0xff);
        }
      }
    }
  }

  private static void put(float[] floats, double[] doubles, int i, double v) {
    if (floats != null) {
      floats[i] = (float) v;
    } else {
      doubles[i] = v;
    }
  }

  /** {@code v / divisor} as numpy's {@code x.astype(dtype) / divisor} computes it. */
  private void putPixel(float[] floats, double[] doubles, int i, int v) {
    if (floats != null) {
      floats[i] = (float) v / (float) divisor;
    } else {
      doubles[i] = v / divisor;
    }
  }
}
