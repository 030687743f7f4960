package org.kerasbridge.layers.core;

import org.kerasbridge.layers.CallContext;
import org.kerasbridge.layers.DTypePolicy;
import org.kerasbridge.layers.LayerConfig;
import org.kerasbridge.layers.SingleInputLayer;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** {@code Identity}: returns its input (Keras casts a floating input to the compute dtype). */
public final class Identity extends SingleInputLayer {
  public Identity(LayerConfig c) {
    super(c);
    c.finish();
  }

  @Override
  protected Operand<TFloat32> call(Ops tf, Operand<TFloat32> x, CallContext ctx) {
    return x;
  }

  @Override
  protected boolean supportsMasking() {
    return true;
  }

  @Override
  protected Shape computeOutputShape(Shape in) {
    return in;
  }

  @Override
  protected boolean supportsPolicy(DTypePolicy policy) {
    return true;
  }
}
