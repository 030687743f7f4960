package org.kerasbridge.layers.reshaping;

import org.kerasbridge.layers.Shapes;
import org.kerasbridge.ShapeMismatchException;
import org.kerasbridge.layers.CallContext;
import org.kerasbridge.layers.LayerConfig;
import org.kerasbridge.layers.SingleInputLayer;
import org.kerasbridge.layers.conv.DataFormat;
import org.kerasbridge.layers.conv.Spatial;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * {@code Cropping1D}: {@code (batch, steps, features)} to {@code (batch, steps - before - after,
 * features)}; {@code cropping} is {@code n} or {@code (before, after)} (default {@code (1, 1)}).
 * Keras's Cropping1D has no data_format: the steps are always axis 1. Cropping everything is an
 * error, as in Keras.
 */
public final class Cropping1D extends SingleInputLayer {
  private final int[] cropping;

  public Cropping1D(LayerConfig c) {
    super(c);
    cropping = Pairs.read(c, "cropping", 1, new int[][] {{1, 1}})[0];
    c.finish();
  }

  @Override
  protected void build(Shape in) {
    Spatial.requireRank(config, in, 1, DataFormat.CHANNELS_LAST, false);
    long n = in.size(1);
    if (n >= 0 && cropping[0] + cropping[1] >= n) {
      throw new ShapeMismatchException(config.where() + ": cropping " + cropping[0] + " + "
          + cropping[1] + " must be smaller than the input length " + n);
    }
  }

  @Override
  protected Operand<TFloat32> call(Ops tf, Operand<TFloat32> x, CallContext ctx) {
    return Crop.apply(tf, x, new int[][] {{0, 0}, cropping, {0, 0}});
  }

  /** Keras: the steps minus both croppings (None stays None). */
  @Override
  protected Shape computeOutputShape(Shape in) {
    return Shapes.with(in, 1, Shapes.plus(in.size(1), -cropping[0] - cropping[1]));
  }
}
