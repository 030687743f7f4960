package org.kerasbridge.layers.core;

import org.kerasbridge.layers.CallContext;
import org.kerasbridge.layers.LayerConfig;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** {@code Identity}: returns its input (Keras casts a floating input to the compute dtype). */
public final class Identity extends ElementwiseLayer {
  public Identity(LayerConfig c) {
    super(c);
    c.finish();
  }

  @Override
  protected Operand<TFloat32> call(Ops tf, Operand<TFloat32> x, CallContext ctx) {
    return x;
  }
}
