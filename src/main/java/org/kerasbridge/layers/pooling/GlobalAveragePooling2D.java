package org.kerasbridge.layers.pooling;

import org.kerasbridge.layers.CallContext;
import org.kerasbridge.layers.LayerConfig;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.math.Mean;
import org.tensorflow.types.TFloat32;

/** {@code GlobalAveragePooling2D}: the mean over rows and columns (see {@link BaseGlobalPooling}). */
public final class GlobalAveragePooling2D extends BaseGlobalPooling {
  public GlobalAveragePooling2D(LayerConfig c) {
    super(c, 2);
  }

  @Override
  protected Operand<TFloat32> call(Ops tf, Operand<TFloat32> x, CallContext ctx) {
    // ops.mean: float16/bfloat16 averaged in float32 and cast back, as Keras does
    return org.kerasbridge.layers.DTypePolicy.mean(tf, x, spatialAxes(tf), keepdims);
  }
}
