package org.kerasbridge.layers.conv;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.kerasbridge.layers.LayerConfig;
import org.kerasbridge.layers.Weight;
import org.kerasbridge.regularizers.Regularizer;
import org.kerasbridge.regularizers.Regularizers;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.op.Ops;
import org.tensorflow.op.nn.Conv2d;
import org.tensorflow.types.TFloat32;

/**
 * Keras's {@code BaseConv} (Conv1D, Conv2D): a cross-correlation with a {@code kernel} of shape
 * {@code (k..., in / groups, filters)} and an optional {@code bias (filters,)}.
 *
 * <p>With {@code groups = g > 1} the input channels are split into {@code g} consecutive groups
 * and group {@code i} is convolved with kernel columns {@code [i * filters / g, (i + 1) * filters
 * / g)}; the results are concatenated on the channel axis. (Keras compiles that case with XLA;
 * TensorFlow's CPU Conv2D kernel has no grouped mode, so it is spelled out here.)
 *
 * <p>Keras rejects {@code strides > 1} together with {@code dilation_rate > 1}, and so does this
 * class. A dilated {@code valid} (or causal) convolution runs as {@code same} and is cropped
 * (see {@link Spatial#validViaSame}). LoRA ({@code lora_rank}) is accepted only when unset.
 */
public abstract class BaseConv extends SpatialConv {
  protected final int filters;
  protected final int groups;
  private final JsonNode kernelInitializer;
  private final Regularizer kernelRegularizer;
  private Weight kernel;

  protected BaseConv(LayerConfig c, int rank) {
    super(c, rank, rank == 1);
    filters = c.requirePositiveInt("filters");
    groups = c.getPositiveInt("groups", 1);
    kernelInitializer = c.node("kernel_initializer");
    kernelRegularizer = Regularizers.fromConfig(c, "kernel_regularizer");
    c.ignore("kernel_constraint"); // applied by the training loop after each step
    c.requireNeutral("lora_rank", null);
    c.requireNeutral("lora_alpha", null);
    if (filters % groups != 0) {
      c.unsupported("groups", c.raw().get("groups"), "a positive divisor of filters ("
          + filters + ")");
    }
    if (window.strided() && window.dilated()) {
      c.unsupported("strides > 1 together with dilation_rate > 1 (Keras rejects it too)");
    }
    c.finish();
  }

  @Override
  protected void buildKernels(long inChannels) {
    if (inChannels % groups != 0) {
      throw new org.kerasbridge.ShapeMismatchException(config.where() + ": the input has "
          + inChannels + " channels, not divisible by groups=" + groups);
    }
    long[] shape = kernelShape(inChannels / groups, filters);
    kernel = addWeight("kernel", shape, true, kernelInitializer);
  }

  @Override
  protected long outputChannels(long inChannels) {
    return filters;
  }

  @Override
  protected Operand<TFloat32> convolve(Ops tf, Operand<TFloat32> x) {
    if (window.padding() == Window.Padding.CAUSAL) {
      int[] before = new int[rank];
      before[rank - 1] = window.effectiveSize(rank - 1) - 1;
      x = Spatial.padSpatial(tf, x, before, new int[rank]);
    }
    Operand<TFloat32> k = Spatial.kernel4d(tf, kernel.value(), rank);
    if (groups == 1) {
      return conv(tf, x, k);
    }
    List<Output<TFloat32>> xs = tf.split(tf.constant(3), x, (long) groups).output();
    List<Output<TFloat32>> ks = tf.split(tf.constant(3), k, (long) groups).output();
    List<Operand<TFloat32>> ys = new ArrayList<>();
    for (int g = 0; g < groups; g++) {
      ys.add(conv(tf, xs.get(g), ks.get(g)));
    }
    return tf.concat(ys, tf.constant(3));
  }

  private Operand<TFloat32> conv(Ops tf, Operand<TFloat32> x, Operand<TFloat32> k) {
    if (Spatial.validViaSame(window)) {
      return Spatial.sameToValid(tf, tf.nn.conv2d(x, k, window.strides4d(), "SAME",
          Conv2d.dilations(window.dilations4d())), window);
    }
    return tf.nn.conv2d(x, k, window.strides4d(), window.padding().tf(),
        Conv2d.dilations(window.dilations4d()));
  }

  @Override
  protected List<RegularizedWeight> kernelRegularizers() {
    return regularized(kernel, kernelRegularizer);
  }

  public int filters() {
    return filters;
  }
}
