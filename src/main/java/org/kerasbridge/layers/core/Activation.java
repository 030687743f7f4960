package org.kerasbridge.layers.core;

import org.kerasbridge.activations.Activations;
import org.kerasbridge.layers.CallContext;
import org.kerasbridge.layers.LayerConfig;
import org.kerasbridge.layers.SingleInputLayer;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** {@code Activation}: applies a named activation. */
public final class Activation extends SingleInputLayer {
  private final org.kerasbridge.activations.Activation fn;

  public Activation(LayerConfig c) {
    super(c);
    fn = Activations.fromConfig(c, "activation", "linear");
    c.finish();
  }

  @Override
  protected Operand<TFloat32> call(Ops tf, Operand<TFloat32> x, CallContext ctx) {
    return fn.apply(tf, x);
  }

  @Override
  protected boolean supportsMasking() {
    return true;
  }

  /** Element-wise: the output has the input's shape. */
  @Override
  protected Shape computeOutputShape(Shape in) {
    return in;
  }

  /** Checked against Keras under float16 and mixed_float16 policies (see {@link org.kerasbridge.layers.DTypePolicy}). */
  @Override
  protected boolean supportsPolicy(org.kerasbridge.layers.DTypePolicy policy) {
    return true;
  }
}
