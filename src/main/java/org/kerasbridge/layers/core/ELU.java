package org.kerasbridge.layers.core;

import org.kerasbridge.activations.Activations;
import org.kerasbridge.layers.CallContext;
import org.kerasbridge.layers.LayerConfig;
import org.kerasbridge.layers.SingleInputLayer;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * {@code ELU(alpha)}: {@code x} for {@code x > 0}, {@code alpha * (exp(x) - 1)} otherwise
 * ({@link Activations#elu}); {@code alpha} defaults to 1.0 (Keras 3 stores it through the
 * layer's automatic config, Keras 1/2 explicitly). Masks pass through.
 */
public final class ELU extends SingleInputLayer {
  private final double alpha;

  public ELU(LayerConfig c) {
    super(c);
    alpha = c.getDouble("alpha", 1.0);
    c.finish();
  }

  @Override
  protected Operand<TFloat32> call(Ops tf, Operand<TFloat32> x, CallContext ctx) {
    return Activations.elu(tf, x, alpha);
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
}
