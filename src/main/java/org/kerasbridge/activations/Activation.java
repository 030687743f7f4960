package org.kerasbridge.activations;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** An elementwise (or, for softmax, per-axis) activation, as Keras names it. */
@FunctionalInterface
public interface Activation {
  Operand<TFloat32> apply(Ops tf, Operand<TFloat32> x);
}
