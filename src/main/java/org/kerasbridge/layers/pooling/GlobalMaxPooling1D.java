package org.kerasbridge.layers.pooling;

import org.kerasbridge.layers.CallContext;
import org.kerasbridge.layers.LayerConfig;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Max;
import org.tensorflow.types.TFloat32;

/**
 * {@code GlobalMaxPooling1D}: the maximum over the spatial axes (see {@link BaseGlobalPooling}).
 * As in Keras 3, an input mask is ignored and not passed on.
 */
public final class GlobalMaxPooling1D extends BaseGlobalPooling {
  public GlobalMaxPooling1D(LayerConfig c) {
    super(c, 1);
  }

  @Override
  protected Operand<TFloat32> call(Ops tf, Operand<TFloat32> x, CallContext ctx) {
    return tf.max(x, spatialAxes(tf), Max.keepDims(keepdims));
  }
}
