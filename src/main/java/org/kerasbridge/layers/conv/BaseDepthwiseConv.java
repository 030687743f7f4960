package org.kerasbridge.layers.conv;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.kerasbridge.layers.LayerConfig;
import org.kerasbridge.layers.Weight;
import org.kerasbridge.regularizers.Regularizer;
import org.kerasbridge.regularizers.Regularizers;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Keras's {@code BaseDepthwiseConv} (DepthwiseConv1D, DepthwiseConv2D): each input channel is
 * convolved on its own with {@code depth_multiplier} filters ({@link Depthwise}). The kernel,
 * named {@code kernel} in Keras 3 ({@code depthwise_kernel} in Keras 2 files), is {@code (k...,
 * in, depth_multiplier)}; the bias is {@code (in * depth_multiplier,)}.
 */
public abstract class BaseDepthwiseConv extends SpatialConv {
  protected final int depthMultiplier;
  private final JsonNode depthwiseInitializer;
  private final Regularizer depthwiseRegularizer;
  private Weight kernel;

  protected BaseDepthwiseConv(LayerConfig c, int rank) {
    super(c, rank, false);
    depthMultiplier = c.getPositiveInt("depth_multiplier", 1);
    depthwiseInitializer = c.node("depthwise_initializer");
    depthwiseRegularizer = Regularizers.fromConfig(c, "depthwise_regularizer");
    c.ignore("depthwise_constraint"); // applied by the training loop after each step
    // tf.keras 2.x DepthwiseConv2D derived from Conv2D and wrote groups=1 into its config.
    c.requireNeutral("groups", 1);
    c.finish();
  }

  @Override
  protected void buildKernels(long inChannels) {
    long[] shape = kernelShape(inChannels, depthMultiplier);
    kernel = addWeight("kernel", shape, true, depthwiseInitializer);
  }

  @Override
  protected long outputChannels(long inChannels) {
    return inChannels * depthMultiplier;
  }

  @Override
  protected Operand<TFloat32> convolve(Ops tf, Operand<TFloat32> x) {
    return Depthwise.apply(tf, x, Spatial.kernel4d(tf, kernel.value(), rank), window);
  }

  @Override
  protected List<RegularizedWeight> kernelRegularizers() {
    return regularized(kernel, depthwiseRegularizer);
  }
}
