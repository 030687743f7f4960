package org.kerasbridge.graph;

import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.TensorFlow;
import org.tensorflow.op.nn.SparseSoftmaxCrossEntropyWithLogits;
import org.tensorflow.types.TFloat32;

/**
 * Gradients TensorFlow's C++ registry lacks (TF Java differentiates graphs with the C++ gradient
 * functions, which cover fewer ops than Python's), registered once per JVM as TF Java custom
 * gradients, with Python TensorFlow's definitions.
 */
public final class Gradients {
  static {
    NativeLogging.configure(); // before any TensorFlow native loads
  }

  private static boolean registered;

  private Gradients() {}

  /** Registers the missing gradients; idempotent. */
  public static synchronized void register() {
    if (registered) {
      return;
    }
    registered = true;
    // nn_grad.py _SparseSoftmaxCrossEntropyWithLogitsGrad: d(features) = expand_dims(d(loss),
    // -1) * backprop, where backprop (softmax - onehot) is the op's second output.
    TensorFlow.registerCustomGradient(SparseSoftmaxCrossEntropyWithLogits.Inputs.class,
        (tf, op, gradOutputs) -> {
          @SuppressWarnings("unchecked")
          Operand<TFloat32> dLoss = (Operand<TFloat32>) gradOutputs.get(0);
          @SuppressWarnings("unchecked")
          Operand<TFloat32> backprop = (Operand<TFloat32>) ((SparseSoftmaxCrossEntropyWithLogits<?>) op.getOutputs())
              .backprop();
          Operand<TFloat32> d = tf.math.mul(tf.expandDims(dLoss, tf.constant(-1)), backprop);
          // labels are integers: they get a zero gradient, which nothing consumes
          return java.util.Arrays.asList(d, tf.zerosLike(op.labels));
        });
  }
}
