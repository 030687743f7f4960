package org.kerasbridge.layers.conv;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.kerasbridge.ShapeMismatchException;
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
 * What every Keras convolution layer shares ({@code base_conv.py}, {@code base_conv_transpose.py},
 * {@code base_depthwise_conv.py}, {@code base_separable_conv.py}): a {@link Window}, a
 * {@link DataFormat}, an optional {@code bias} added per output channel, then the activation:
 *
 * <pre>  y = activation(conv(x) + bias)</pre>
 *
 * The convolution runs on a 4-D NHWC tensor ({@link Spatial}); a channels-first input is moved to
 * channels-last on entry and back before the activation, so an activation over the last axis
 * (softmax) sees Keras's own layout. Subclasses declare their kernels and do the convolution.
 */
public abstract class SpatialConv extends SingleInputLayer {
  protected final int rank;
  protected final Window window;
  protected final DataFormat dataFormat;
  protected final Activation activation;
  protected final boolean useBias;
  private final JsonNode biasInitializer;
  private final Regularizer biasRegularizer;
  private Weight bias;

  protected SpatialConv(LayerConfig c, int rank, boolean allowCausal) {
    super(c);
    this.rank = rank;
    window = Window.convFromConfig(c, rank, allowCausal);
    dataFormat = DataFormat.fromConfig(c);
    activation = Activations.fromConfig(c, "activation", "linear");
    useBias = c.getBoolean("use_bias", true);
    biasInitializer = c.node("bias_initializer");
    biasRegularizer = Regularizers.fromConfig(c, "bias_regularizer");
    // Constraints project weights after optimizer steps; the training loop reads them from the
    // config. They do not change the forward pass.
    c.ignore("bias_constraint");
  }

  /** Declares the kernels for {@code inChannels} input channels, in Keras's creation order. */
  protected abstract void buildKernels(long inChannels);

  /** The number of output channels (the bias length) for {@code inChannels} input channels. */
  protected abstract long outputChannels(long inChannels);

  /** The convolution of a 4-D NHWC tensor, without bias. */
  protected abstract Operand<TFloat32> convolve(Ops tf, Operand<TFloat32> nhwc);

  /** A kernel shape: the window's sizes, then the two channel dimensions Keras puts last. */
  protected final long[] kernelShape(long secondToLast, long last) {
    int[] k = window.size();
    long[] shape = new long[k.length + 2];
    for (int i = 0; i < k.length; i++) {
      shape[i] = k[i];
    }
    shape[k.length] = secondToLast;
    shape[k.length + 1] = last;
    return shape;
  }

  /** The kernels' regularizers (the bias regularizer is added here). */
  protected abstract List<RegularizedWeight> kernelRegularizers();

  /**
   * Why this input shape gives no output (Keras raises then), or null. By default the window
   * must fit: a non-empty output on every spatial axis.
   */
  protected String checkInput(Shape in) {
    return window.checkOutput(dataFormat.spatial(in));
  }

  @Override
  protected final void build(Shape in) {
    Spatial.requireRank(config, in, rank, dataFormat, true);
    String err = checkInput(in);
    if (err != null) {
      throw new ShapeMismatchException(config.where() + ": " + err);
    }
    long channels = dataFormat.channels(in);
    buildKernels(channels);
    if (useBias) {
      bias = addWeight("bias", new long[] {outputChannels(channels)}, true, biasInitializer);
    }
  }

  @Override
  protected final Operand<TFloat32> call(Ops tf, Operand<TFloat32> x, CallContext ctx) {
    Operand<TFloat32> y = convolve(tf, Spatial.to4d(tf, dataFormat.toChannelsLast(tf, x)));
    if (useBias) {
      y = tf.nn.biasAdd(y, bias.value());
    }
    y = dataFormat.fromChannelsLast(tf, Spatial.from4d(tf, y, rank));
    return activation.apply(tf, y);
  }

  @Override
  public final List<RegularizedWeight> regularizedWeights() {
    List<RegularizedWeight> out = new ArrayList<>(kernelRegularizers());
    if (biasRegularizer != null && bias != null) {
      out.add(new RegularizedWeight(bias, biasRegularizer));
    }
    return out;
  }

  /** A (weight, regularizer) list with the pair only when the regularizer is set. */
  protected static List<RegularizedWeight> regularized(Weight w, Regularizer r) {
    return r == null || w == null ? List.of() : List.of(new RegularizedWeight(w, r));
  }

  public Window window() {
    return window;
  }

  public DataFormat dataFormat() {
    return dataFormat;
  }

  /** The output length on spatial {@code axis} for input length {@code n} (-1 stays -1). */
  public long outputLength(int axis, long n) {
    return window.outputLength(axis, n);
  }

  /** Keras: each spatial length through the window, and the output channels. */
  @Override
  protected final Shape computeOutputShape(Shape in) {
    long[] sp = dataFormat.spatial(in);
    for (int i = 0; i < sp.length; i++) {
      sp[i] = outputLength(i, sp[i]);
    }
    long ch = dataFormat.channels(in);
    return dataFormat.withChannels(dataFormat.withSpatial(in, sp),
        ch < 0 ? -1 : outputChannels(ch));
  }
}
