package org.kerasbridge.layers.conv;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.kerasbridge.layers.LayerConfig;
import org.kerasbridge.layers.Weight;
import org.kerasbridge.regularizers.Regularizer;
import org.kerasbridge.regularizers.Regularizers;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.nn.Conv2d;
import org.tensorflow.types.TFloat32;

/**
 * Keras's {@code BaseSeparableConv} (SeparableConv1D, SeparableConv2D): a depthwise convolution
 * ({@link Depthwise}) with {@code depthwise_kernel (k..., in, depth_multiplier)}, then a 1x1
 * convolution with {@code pointwise_kernel (1..., in * depth_multiplier, filters)}, then the
 * bias {@code (filters,)} — {@code tf.nn.separable_conv2d}.
 */
public abstract class BaseSeparableConv extends SpatialConv {
  protected final int filters;
  protected final int depthMultiplier;
  private final JsonNode depthwiseInitializer;
  private final JsonNode pointwiseInitializer;
  private final Regularizer depthwiseRegularizer;
  private final Regularizer pointwiseRegularizer;
  private Weight depthwiseKernel;
  private Weight pointwiseKernel;

  protected BaseSeparableConv(LayerConfig c, int rank) {
    super(c, rank, false);
    filters = c.requirePositiveInt("filters");
    depthMultiplier = c.getPositiveInt("depth_multiplier", 1);
    depthwiseInitializer = c.node("depthwise_initializer");
    pointwiseInitializer = c.node("pointwise_initializer");
    depthwiseRegularizer = Regularizers.fromConfig(c, "depthwise_regularizer");
    pointwiseRegularizer = Regularizers.fromConfig(c, "pointwise_regularizer");
    // Constraints are applied by the training loop after each step.
    c.ignore("depthwise_constraint", "pointwise_constraint");
    c.requireNeutral("groups", 1);
    c.finish();
  }

  @Override
  protected void buildKernels(long inChannels) {
    long[] dw = new long[rank + 2];
    long[] pw = new long[rank + 2];
    int[] k = window.size();
    for (int i = 0; i < rank; i++) {
      dw[i] = k[i];
      pw[i] = 1;
    }
    dw[rank] = inChannels;
    dw[rank + 1] = depthMultiplier;
    pw[rank] = inChannels * depthMultiplier;
    pw[rank + 1] = filters;
    depthwiseKernel = addWeight("depthwise_kernel", dw, true, depthwiseInitializer);
    pointwiseKernel = addWeight("pointwise_kernel", pw, true, pointwiseInitializer);
  }

  @Override
  protected long outputChannels(long inChannels) {
    return filters;
  }

  @Override
  protected Operand<TFloat32> convolve(Ops tf, Operand<TFloat32> x) {
    Operand<TFloat32> d = Depthwise.apply(tf, x,
        Spatial.kernel4d(tf, depthwiseKernel.value(), rank), window);
    return tf.nn.conv2d(d, Spatial.kernel4d(tf, pointwiseKernel.value(), rank),
        List.of(1L, 1L, 1L, 1L), "VALID", Conv2d.dilations(List.of(1L, 1L, 1L, 1L)));
  }

  @Override
  protected List<RegularizedWeight> kernelRegularizers() {
    List<RegularizedWeight> out = new ArrayList<>(regularized(depthwiseKernel,
        depthwiseRegularizer));
    out.addAll(regularized(pointwiseKernel, pointwiseRegularizer));
    return out;
  }
}
