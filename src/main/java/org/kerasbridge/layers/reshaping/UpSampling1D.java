package org.kerasbridge.layers.reshaping;

import org.kerasbridge.layers.Shapes;
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
 * {@code UpSampling1D}: {@code (batch, steps, features)} to {@code (batch, steps * size,
 * features)}, each step repeated {@code size} times (default 2). No data_format in Keras: the
 * steps are axis 1.
 */
public final class UpSampling1D extends SingleInputLayer {
  private final int size;

  public UpSampling1D(LayerConfig c) {
    super(c);
    int s = c.getPositiveInt("size", 2);
    if (s <= 0) {
      c.unsupported("size", c.raw().get("size"), "a positive whole number");
      s = 2;
    }
    size = s;
    c.finish();
  }

  @Override
  protected void build(Shape in) {
    Spatial.requireRank(config, in, 1, DataFormat.CHANNELS_LAST, false);
  }

  @Override
  protected Operand<TFloat32> call(Ops tf, Operand<TFloat32> x, CallContext ctx) {
    return Repeat.along(tf, x, 1, size);
  }

  /** Keras: the steps times {@code size} (None stays None). */
  @Override
  protected Shape computeOutputShape(Shape in) {
    return Shapes.with(in, 1, Shapes.times(in.size(1), size));
  }
}
