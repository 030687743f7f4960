package org.kerasbridge.layers.reshaping;

import org.kerasbridge.ShapeMismatchException;
import org.kerasbridge.layers.CallContext;
import org.kerasbridge.layers.LayerConfig;
import org.kerasbridge.layers.Shapes;
import org.kerasbridge.layers.SingleInputLayer;
import org.kerasbridge.layers.conv.DataFormat;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.image.ResizeBicubic;
import org.tensorflow.op.image.ResizeBilinear;
import org.tensorflow.op.image.ResizeNearestNeighbor;
import org.tensorflow.op.image.ScaleAndTranslate;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TUint8;
import org.tensorflow.types.family.TType;

/**
 * The preprocessing layer {@code Resizing(height, width, interpolation="bilinear",
 * antialias=False)}: images {@code (batch, h, w, c)} (or channels-first) resized to {@code
 * (height, width)} by {@code tf.image.resize}, as Keras 3 on TensorFlow does, at inference and in
 * training alike:
 * <ul>
 *   <li>the input returned as it is when its static size already is the target (TF's shortcut);
 *   <li>{@code nearest}: {@code ResizeNearestNeighbor} with half-pixel centers, in the input's
 *       dtype;
 *   <li>{@code bilinear}, {@code bicubic}: {@code ResizeBilinear} / {@code ResizeBicubic} with
 *       half-pixel centers, or with antialias {@code ScaleAndTranslate} with the triangle /
 *       Keys cubic kernel; {@code area}: {@code ResizeArea}; {@code lanczos3}/{@code lanczos5}:
 *       {@code ScaleAndTranslate} with scale {@code new / old} (float32) and no translation.
 * </ul>
 * Those give float32; an integer (uint8) input comes back rounded and saturated to its dtype, as
 * Keras 3's Resizing does (a tf.keras 2 file's Resizing resized in float32 and returned float32,
 * which its files get). Refused: {@code crop_to_aspect_ratio}, {@code pad_to_aspect_ratio}.
 */
public final class Resizing extends SingleInputLayer {
  private final int height;
  private final int width;
  private final String interpolation;
  private final boolean antialias;
  private final DataFormat dataFormat;
  /** tf.keras 2 resized in float32 and returned float32 (no rounding back to an int dtype). */
  private final boolean keras2;

  public Resizing(LayerConfig c) {
    super(c);
    height = c.requirePositiveInt("height");
    width = c.requirePositiveInt("width");
    interpolation = c.getChoice("interpolation", "bilinear", "bilinear", "nearest", "bicubic",
        "area", "lanczos3", "lanczos5");
    antialias = c.getBoolean("antialias", false);
    c.requireNeutral("crop_to_aspect_ratio", false);
    c.requireNeutral("pad_to_aspect_ratio", false);
    c.requireNeutral("fill_mode", "constant");
    c.getDouble("fill_value", 0.0); // used only when padding to the aspect ratio
    c.requireNeutral("bounding_box_format", null);
    dataFormat = DataFormat.fromConfig(c);
    keras2 = c.isKeras2OrOlder();
    c.finish();
  }

  @Override
  protected Operand<TFloat32> call(Ops tf, Operand<TFloat32> x, CallContext ctx) {
    computeOutputShape(x.shape());
    if (keras2 && x.type() != TFloat32.class) {
      x = org.kerasbridge.layers.DTypePolicy.cast(tf, x, TFloat32.class);
    }
    Operand<TFloat32> y = dataFormat.toChannelsLast(tf, x);
    if (y.shape().size(1) == height && y.shape().size(2) == width) {
      return x; // tf.image.resize returns a batch of the target size unchanged
    }
    Operand<TInt32> size = tf.constant(new int[] {height, width});
    Operand<? extends TType> r = resize(tf, y, size);
    Class<? extends TType> in = x.type();
    if (r.type() != in) {
      // Keras: round an integer input's result, then saturate-cast it back to that dtype
      Operand<TFloat32> f = tf.math.round(cast(tf, r));
      if (in == TUint8.class) {
        f = tf.clipByValue(f, tf.constant(0f), tf.constant(255f));
      }
      r = tf.dtypes.cast(f, in);
    }
    return dataFormat.fromChannelsLast(tf, cast(tf, r));
  }

  @SuppressWarnings("unchecked")
  private static Operand<TFloat32> cast(Ops tf, Operand<? extends TType> x) {
    return (Operand<TFloat32>) x;
  }

  private Operand<? extends TType> resize(Ops tf, Operand<TFloat32> y, Operand<TInt32> size) {
    switch (interpolation) {
      case "nearest":
        return tf.image.resizeNearestNeighbor(y, size,
            ResizeNearestNeighbor.halfPixelCenters(true));
      case "bilinear":
        return antialias ? scaleAndTranslate(tf, y, size, "triangle")
            : tf.image.resizeBilinear(y, size, ResizeBilinear.halfPixelCenters(true));
      case "bicubic":
        return antialias ? scaleAndTranslate(tf, y, size, "keyscubic")
            : tf.image.resizeBicubic(y, size, ResizeBicubic.halfPixelCenters(true));
      case "area":
        return tf.image.resizeArea(y, size);
      default:
        return scaleAndTranslate(tf, y, size, interpolation);
    }
  }

  /** TF's resize_with_scale_and_translate: scale = float(new) / float(old), no translation. */
  private Operand<TFloat32> scaleAndTranslate(Ops tf, Operand<TFloat32> y, Operand<TInt32> size,
      String kernel) {
    Operand<TInt32> hw = tf.slice(tf.shape(y), tf.constant(new int[] {1}),
        tf.constant(new int[] {2}));
    Operand<TFloat32> scale = tf.math.div(tf.dtypes.cast(size, TFloat32.class),
        tf.dtypes.cast(hw, TFloat32.class));
    return tf.image.scaleAndTranslate(y, size, scale, tf.constant(new float[] {0f, 0f}),
        ScaleAndTranslate.kernelType(kernel), ScaleAndTranslate.antialias(antialias));
  }

  @Override
  protected Shape computeOutputShape(Shape in) {
    if (in.numDimensions() != 4) {
      throw new ShapeMismatchException(config.where() + ": expected a batch of images of rank"
          + " 4, got shape " + Shapes.keras(in));
    }
    return dataFormat.withSpatial(in, new long[] {height, width});
  }
}
