package org.kerasbridge.layers.pooling;

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
    String err = window.checkOutput(dataFormat.spatial(in));
    if (err != null) {
      throw new ShapeMismatchException(config.where() + ": " + err);
    }
  }

  @Override
  protected Operand<TFloat32> call(Ops tf, Operand<TFloat32> x, CallContext ctx) {
    Operand<TFloat32> y = Spatial.to4d(tf, dataFormat.toChannelsLast(tf, x));
    String padding = window.padding().tf();
    if (max) {
      y = tf.nn.maxPool(y, tf.constant(ints(window.size4d())),
          tf.constant(ints(window.strides4d())), padding);
    } else {
      y = tf.nn.avgPool(y, window.size4d(), window.strides4d(), padding);
    }
    return dataFormat.fromChannelsLast(tf, Spatial.from4d(tf, y, rank));
  }

  private static int[] ints(java.util.List<Long> v) {
    return v.stream().mapToInt(Long::intValue).toArray();
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
}
