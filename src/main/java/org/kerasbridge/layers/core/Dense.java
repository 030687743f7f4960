package org.kerasbridge.layers.core;

import org.kerasbridge.layers.Shapes;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.kerasbridge.activations.Activation;
import org.kerasbridge.activations.Activations;
import org.kerasbridge.layers.CallContext;
import org.kerasbridge.layers.LayerConfig;
import org.kerasbridge.layers.SingleInputLayer;
import org.kerasbridge.layers.Weight;
import org.kerasbridge.regularizers.Regularizer;
import org.kerasbridge.regularizers.Regularizers;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * {@code Dense}: {@code activation(x . kernel + bias)} over the last axis. kernel is
 * {@code (input_dim, units)}, bias {@code (units,)}; inputs of rank above 2 are contracted on
 * their last axis, as Keras's {@code ops.matmul} does.
 */
public final class Dense extends SingleInputLayer {
  private final int units;
  private final Activation activation;
  private final boolean useBias;
  private final JsonNode kernelInitializer;
  private final JsonNode biasInitializer;
  private final Regularizer kernelRegularizer;
  private final Regularizer biasRegularizer;
  private Weight kernel;
  private Weight bias;

  public Dense(LayerConfig c) {
    super(c);
    units = c.requirePositiveInt("units");
    activation = Activations.fromConfig(c, "activation", "linear");
    useBias = c.getBoolean("use_bias", true);
    kernelInitializer = c.node("kernel_initializer");
    biasInitializer = c.node("bias_initializer");
    kernelRegularizer = Regularizers.fromConfig(c, "kernel_regularizer");
    biasRegularizer = Regularizers.fromConfig(c, "bias_regularizer");
    // Constraints act only after optimizer steps; the training loop reads them from the config.
    c.ignore("kernel_constraint", "bias_constraint");
    c.requireNeutral("lora_rank", null);
    c.requireNeutral("lora_alpha", null);
    c.requireNeutral("quantization_config", null);
    c.finish();
  }

  @Override
  protected void build(Shape in) {
    long inputDim = in.size(in.numDimensions() - 1);
    kernel = addWeight("kernel", new long[] {inputDim, units}, true, kernelInitializer);
    if (useBias) {
      bias = addWeight("bias", new long[] {units}, true, biasInitializer);
    }
  }

  @Override
  protected Operand<TFloat32> call(Ops tf, Operand<TFloat32> x, CallContext ctx) {
    int rank = x.shape().numDimensions();
    Operand<TFloat32> y;
    if (rank == 2) {
      y = tf.linalg.matMul(x, kernel.value());
    } else {
      // (..., in) -> (N, in) . (in, units) -> (..., units)
      Operand<TFloat32> flat = tf.reshape(x, tf.constant(new int[] {-1,
          (int) x.shape().size(rank - 1)}));
      Operand<org.tensorflow.types.TInt32> outShape = tf.concat(java.util.List.of(
          tf.slice(tf.shape(x), tf.constant(new int[] {0}), tf.constant(new int[] {rank - 1})),
          tf.constant(new int[] {units})), tf.constant(0));
      y = tf.reshape(tf.linalg.matMul(flat, kernel.value()), outShape);
    }
    if (useBias) {
      y = tf.nn.biasAdd(y, bias.value());
    }
    return activation.apply(tf, y);
  }

  @Override
  protected boolean supportsMasking() {
    return true;
  }

  @Override
  public List<RegularizedWeight> regularizedWeights() {
    return RegularizedWeight.present(kernel, kernelRegularizer, bias, biasRegularizer);
  }

  public int units() {
    return units;
  }

  /** Keras: the input's shape with the last dimension replaced by {@code units}. */
  @Override
  protected Shape computeOutputShape(Shape in) {
    return Shapes.withLast(in, units);
  }

  /** Checked against Keras under float16 and mixed_float16 policies (see {@link org.kerasbridge.layers.DTypePolicy}). */
  @Override
  protected boolean supportsPolicy(org.kerasbridge.layers.DTypePolicy policy) {
    return true;
  }
}
