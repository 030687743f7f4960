package org.kerasbridge.layers.reshaping;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;
import org.kerasbridge.layers.CallContext;
import org.kerasbridge.layers.LayerConfig;
import org.kerasbridge.layers.SingleInputLayer;
import org.kerasbridge.layers.conv.DataFormat;
import org.kerasbridge.layers.conv.Spatial;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Slice;
import org.tensorflow.op.image.ResizeBicubic;
import org.tensorflow.op.image.ResizeBilinear;
import org.tensorflow.op.image.ScaleAndTranslate;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * {@code UpSampling2D}: {@code (batch, rows, cols, channels)} to {@code (batch, rows * size[0],
 * cols * size[1], channels)} (or channels-first), default {@code size=(2, 2)}.
 *
 * <ul>
 *   <li>{@code nearest} (default): each row and column repeated, as Keras's {@code ops.repeat}.
 *   <li>{@code bilinear}, {@code bicubic}, {@code area}, {@code lanczos3}, {@code lanczos5}:
 *       Keras 3 calls {@code tf.image.resize} (without antialiasing), which is TensorFlow's
 *       {@code ResizeBilinear} / {@code ResizeBicubic} with half-pixel centers, {@code
 *       ResizeArea}, and {@code ScaleAndTranslate} with a Lanczos kernel; the same ops run
 *       here.
 * </ul>
 *
 * <p>Keras 2 files: standalone Keras before 2.4 resized with TF 1's {@code resize_bilinear}
 * without half-pixel centers (a different result), and tf.keras's version string
 * {@code 2.2.4-tf} covers TensorFlow releases on both sides of that change. Interpolations other
 * than nearest are therefore accepted only from Keras 3 files and from Keras 2 files of version
 * 2.4 or later ({@code 2.3.0-tf}, TensorFlow 2.2, included); older ones are reported as
 * unsupported rather than approximated.
 */
public final class UpSampling2D extends SingleInputLayer {
  private final int[] size;
  private final DataFormat dataFormat;
  private final String interpolation;

  public UpSampling2D(LayerConfig c) {
    super(c);
    int[] s = c.getPositiveIntTuple("size", 2, new int[] {2, 2});
    size = s;
    dataFormat = DataFormat.fromConfig(c);
    interpolation = readInterpolation(c);
    c.finish();
  }

  private static String readInterpolation(LayerConfig c) {
    JsonNode n = c.node("interpolation");
    String v = n == null ? "nearest" : n.asText("").toLowerCase(Locale.ROOT);
    switch (v) {
      case "nearest":
        return v;
      case "bilinear":
      case "bicubic":
      case "area":
      case "lanczos3":
      case "lanczos5":
        if (c.isKeras2OrOlder() && !halfPixelEra(c.kerasVersion())) {
          c.unsupported("interpolation", n, "nearest for a file written by Keras "
              + c.kerasVersion() + " (before Keras 2.4, '" + v + "' resizing used TensorFlow 1"
              + " semantics without half-pixel centers, or depended on the TensorFlow release;"
              + " the result cannot be reproduced exactly)");
          return "nearest";
        }
        return v;
      default:
        c.unsupported("interpolation", n,
            "nearest, bilinear, bicubic, area, lanczos3 or lanczos5");
        return "nearest";
    }
  }

  /** Keras 2.4+ (and tf.keras {@code 2.3.0-tf}) resized through {@code tf.image.resize} v2. */
  static boolean halfPixelEra(String version) {
    if (version.startsWith("2.3.0-tf")) {
      return true;
    }
    String[] p = version.split("[.-]");
    try {
      int major = Integer.parseInt(p[0]);
      int minor = p.length > 1 ? Integer.parseInt(p[1]) : 0;
      return major > 2 || major == 2 && minor >= 4;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  @Override
  protected void build(Shape in) {
    Spatial.requireRank(config, in, 2, dataFormat, false);
  }

  @Override
  protected Operand<TFloat32> call(Ops tf, Operand<TFloat32> x, CallContext ctx) {
    Operand<TFloat32> y = dataFormat.toChannelsLast(tf, x);
    if (interpolation.equals("nearest")) {
      y = Repeat.along(tf, Repeat.along(tf, y, 1, size[0]), 2, size[1]);
    } else {
      y = resize(tf, y);
    }
    return dataFormat.fromChannelsLast(tf, y);
  }

  private Operand<TFloat32> resize(Ops tf, Operand<TFloat32> y) {
    long h = y.shape().size(1);
    long w = y.shape().size(2);
    Operand<TInt32> newSize;
    if (h >= 0 && w >= 0) {
      newSize = tf.constant(new int[] {Math.toIntExact(h * size[0]),
          Math.toIntExact(w * size[1])});
    } else {
      Slice<TInt32> hw = tf.slice(tf.shape(y), tf.constant(new int[] {1}),
          tf.constant(new int[] {2}));
      newSize = tf.math.mul(hw, tf.constant(size));
    }
    switch (interpolation) {
      case "bilinear":
        return tf.image.resizeBilinear(y, newSize, ResizeBilinear.halfPixelCenters(true));
      case "bicubic":
        return tf.image.resizeBicubic(y, newSize, ResizeBicubic.halfPixelCenters(true));
      case "area":
        return tf.image.resizeArea(y, newSize);
      default:
        // tf.image.resize: scale = new_size / old_size, no translation
        Operand<TFloat32> scale = tf.constant(new float[] {size[0], size[1]});
        return tf.image.scaleAndTranslate(y, newSize, scale, tf.constant(new float[] {0f, 0f}),
            ScaleAndTranslate.kernelType(interpolation), ScaleAndTranslate.antialias(false));
    }
  }

  /** Keras: each spatial length times its factor (None stays None). */
  @Override
  protected Shape computeOutputShape(Shape in) {
    long[] sp = dataFormat.spatial(in);
    for (int i = 0; i < 2; i++) {
      sp[i] = sp[i] < 0 ? -1 : sp[i] * size[i];
    }
    return dataFormat.withSpatial(in, sp);
  }
}
