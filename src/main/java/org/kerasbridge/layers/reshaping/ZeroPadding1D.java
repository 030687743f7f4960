package org.kerasbridge.layers.reshaping;

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
 * {@code ZeroPadding1D}: {@code (batch, steps, features)} to {@code (batch, before + steps +
 * after, features)} with zeros ({@code padding} is {@code n} or {@code (before, after)}, default
 * 1). With channels_first (Keras 3 only) the steps are axis 2.
 */
public final class ZeroPadding1D extends SingleInputLayer {
  private final int[] padding;
  private final DataFormat dataFormat;

  public ZeroPadding1D(LayerConfig c) {
    super(c);
    padding = Pairs.read(c, "padding", 1, new int[][] {{1, 1}})[0];
    dataFormat = DataFormat.fromConfig(c);
    c.finish();
  }

  @Override
  protected void build(Shape in) {
    Spatial.requireRank(config, in, 1, dataFormat, false);
  }

  @Override
  protected Operand<TFloat32> call(Ops tf, Operand<TFloat32> x, CallContext ctx) {
    int[][] p = new int[3][2];
    p[dataFormat.channelsFirst() ? 2 : 1] = padding.clone();
    return tf.pad(x, tf.constant(p), tf.constant(0f));
  }

  /** Keras: the steps plus both paddings (None stays None). */
  @Override
  protected Shape computeOutputShape(Shape in) {
    long[] sp = dataFormat.spatial(in);
    sp[0] = sp[0] < 0 ? -1 : sp[0] + padding[0] + padding[1];
    return dataFormat.withSpatial(in, sp);
  }
}
