package org.kerasbridge.layers.pooling;

import java.util.List;

import org.kerasbridge.ShapeMismatchException;
import org.kerasbridge.layers.CallContext;
import org.kerasbridge.layers.LayerConfig;
import org.kerasbridge.layers.SingleInputLayer;
import org.kerasbridge.layers.conv.DataFormat;
import org.kerasbridge.layers.conv.Spatial;
import org.kerasbridge.layers.conv.Window;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Keras's {@code BasePooling} (MaxPooling1D/2D, AveragePooling1D/2D): a {@code pool_size} window
 * moved by {@code strides} (Keras: {@code None} means {@code pool_size}) with {@code valid} or
 * {@code same} padding; output lengths as in {@link Window}. Average pooling with {@code same}
 * divides by the number of input elements inside the window, not the window size (padding is
 * excluded, as in {@code tf.nn.avg_pool}); max pooling never picks padding.
 *
 * <p>TensorFlow pools channels-last only; as in Keras's backend, channels_first inputs are moved
 * to channels-last and back. 1-D pooling runs on {@code (batch, 1, steps, channels)} with a
 * window of height 1, as {@code tf.nn.max_pool1d} does.
 */
public abstract class BasePooling extends SingleInputLayer {
  private final int rank;
  private final boolean max;
  private final Window window;
  private final DataFormat dataFormat;

  protected BasePooling(LayerConfig c, int rank, boolean max) {
    super(c);
    this.rank = rank;
    this.max = max;
    window = Window.poolFromConfig(c, rank, 2);
    dataFormat = DataFormat.fromConfig(c);
    c.finish();
  }

  @Override
  protected void build(Shape in) {
    Spatial.requireRank(config, in, rank, dataFormat, false);
    long[] sp = dataFormat.spatial(in);
    String err = window.checkOutput(sp);
    if (err != null) {
      throw new ShapeMismatchException(config.where() + ": " + err);
    }
    for (int i = 0; i < rank; i++) {
      if (sp[i] < 0 && window.size()[i] > MAX_WINDOW_OF_UNKNOWN_LENGTH) {
        throw new org.kerasbridge.InvalidInputException(config.where() + ": pool_size "
            + window.size()[i] + " on spatial axis " + i + " of unknown length: TensorFlow's"
            + " pooling kernels walk the whole window, so windows over "
            + MAX_WINDOW_OF_UNKNOWN_LENGTH + " need a known input length");
      }
    }
  }

  /** The largest window accepted on an axis whose length is only known at run time. */
  static final int MAX_WINDOW_OF_UNKNOWN_LENGTH = 1 << 16;

  /**
   * The window TF runs: Keras's {@code pool_size}, except that a "same"-padded window at least
   * {@code (out - 1) * stride + length + 2} long on an axis of known length is cut to that. Such
   * a window covers the whole input at every output position (the padding splits its excess
   * evenly), so every output is the maximum, or the average over the real elements (padding is
   * not counted), of the whole axis, for it and for any longer window: the values are Keras's.
   * TF's kernels walk the whole window, and a file's pool_size of 10^9 took minutes.
   */
  private List<Long> effectiveSize4d(Shape in) {
    long[] sp = dataFormat.spatial(in);
    int[] k = window.size().clone();
    for (int i = 0; i < rank; i++) {
      if (window.padding() == Window.Padding.SAME && sp[i] >= 0) {
        long out = window.outputLength(i, sp[i]);
        long cover = (out - 1) * window.strides()[i] + sp[i] + 2;
        if (k[i] > cover) {
          k[i] = (int) cover;
        }
      }
    }
    List<Long> size = new java.util.ArrayList<>();
    size.add(1L);
    if (rank == 1) {
      size.add(1L);
    }
    for (int v : k) {
      size.add((long) v);
    }
    size.add(1L);
    return size;
  }

  @Override
  protected Operand<TFloat32> call(Ops tf, Operand<TFloat32> x, CallContext ctx) {
    Operand<TFloat32> y = Spatial.to4d(tf, dataFormat.toChannelsLast(tf, x));
    String padding = window.padding().tf();
    List<Long> size = effectiveSize4d(x.shape());
    if (max) {
      y = maxPool(tf, y, size, window.strides4d(), padding);
    } else {
      y = tf.nn.avgPool(y, size, window.strides4d(), padding);
    }
    return dataFormat.fromChannelsLast(tf, Spatial.from4d(tf, y, rank));
  }

  /**
   * TF's {@code MaxPool} (window and strides as attributes), the op Keras's graph uses. TF Java's
   * {@code tf.nn.maxPool} makes {@code MaxPoolV2} (window and strides as tensors), which oneDNN
   * does not rewrite: its forward and gradient ran on the plain Eigen kernels, 8% of the MNIST
   * CNN's training step (TF step stats; see bench/RESULTS.md), where MaxPool becomes
   * {@code _MklMaxPool} and its gradient {@code _MklMaxPoolGrad}.
   */
  static Operand<TFloat32> maxPool(Ops tf, Operand<TFloat32> x, java.util.List<Long> size,
      java.util.List<Long> strides, String padding) {
    org.tensorflow.Operation op = tf.scope().opBuilder("MaxPool", "MaxPool")
        .addInput(x.asOutput())
        .setAttr("ksize", size.stream().mapToLong(Long::longValue).toArray())
        .setAttr("strides", strides.stream().mapToLong(Long::longValue).toArray())
        .setAttr("padding", padding)
        .setAttr("data_format", "NHWC")
        .build();
    return op.output(0);
  }

  public Window window() {
    return window;
  }

  public DataFormat dataFormat() {
    return dataFormat;
  }

  /** Keras: each spatial length through the pooling window; channels unchanged. */
  @Override
  protected final Shape computeOutputShape(Shape in) {
    long[] sp = dataFormat.spatial(in);
    for (int i = 0; i < sp.length; i++) {
      sp[i] = window.outputLength(i, sp[i]);
    }
    return dataFormat.withSpatial(in, sp);
  }

  /** Checked against Keras under float16 and mixed_float16 policies (see {@link org.kerasbridge.layers.DTypePolicy}). */
  @Override
  protected boolean supportsPolicy(org.kerasbridge.layers.DTypePolicy policy) {
    return true;
  }
}
