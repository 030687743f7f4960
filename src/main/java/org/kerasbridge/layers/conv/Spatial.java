package org.kerasbridge.layers.conv;

import java.util.List;
import org.kerasbridge.ShapeMismatchException;
import org.kerasbridge.layers.LayerConfig;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.index.Index;
import org.tensorflow.ndarray.index.Indices;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Squeeze;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TType;

/**
 * Moves between a layer's Keras tensor and the 4-D NHWC tensor the TensorFlow ops run on. A 1-D
 * layer's {@code (batch, steps, channels)} becomes {@code (batch, 1, steps, channels)} and its
 * kernel {@code (k, in, out)} becomes {@code (1, k, in, out)}, which is how TensorFlow computes
 * {@code conv1d}, {@code max_pool1d} and Keras's 1-D depthwise and separable convolutions.
 */
public final class Spatial {
  private Spatial() {}

  /**
   * Checks that a layer with {@code rank} spatial axes gets a tensor of rank {@code rank + 2}
   * (Keras's {@code InputSpec}), with a known channel count when {@code needChannels}.
   */
  public static void requireRank(LayerConfig c, Shape in, int rank, DataFormat f,
      boolean needChannels) {
    if (in.numDimensions() != rank + 2) {
      throw new ShapeMismatchException(c.where() + " expects inputs of rank " + (rank + 2)
          + " (batch, " + (f.channelsFirst() ? "channels, " : "") + (rank == 1 ? "steps"
              : "rows, cols") + (f.channelsFirst() ? "" : ", channels") + "), got shape "
          + org.kerasbridge.layers.Shapes.keras(in));
    }
    if (needChannels && f.channels(in) < 0) {
      throw new ShapeMismatchException(c.where() + ": the channel dimension of the input must be"
          + " known, got shape " + org.kerasbridge.layers.Shapes.keras(in));
    }
  }

  /** A channels-last tensor of rank 3 or 4 as 4-D NHWC. */
  public static <T extends TType> Operand<T> to4d(Ops tf, Operand<T> channelsLast) {
    if (channelsLast.shape().numDimensions() == 3) {
      return tf.expandDims(channelsLast, tf.constant(1));
    }
    return channelsLast;
  }

  /** The inverse of {@link #to4d} for a layer with {@code rank} spatial axes. */
  public static <T extends TType> Operand<T> from4d(Ops tf, Operand<T> nhwc, int rank) {
    if (rank == 1) {
      return tf.squeeze(nhwc, Squeeze.axis(List.of(1L)));
    }
    return nhwc;
  }

  /** A kernel {@code (k..., a, b)} for {@code rank} spatial axes as {@code (kh, kw, a, b)}. */
  public static Operand<TFloat32> kernel4d(Ops tf, Operand<TFloat32> kernel, int rank) {
    return rank == 1 ? tf.expandDims(kernel, tf.constant(0)) : kernel;
  }

  /**
   * Whether a stride-1 op with this window must run as {@code same} then {@link #sameToValid}:
   * a dilated window with {@code valid} padding. TensorFlow Java 1.1.0's oneDNN CPU kernel for
   * the filter gradient of a dilated {@code VALID} convolution ({@code MklConvBwdFilter}) dies
   * with SIGILL and takes the JVM down; the {@code SAME} variant works, and the {@code valid}
   * outputs are a crop of the {@code same} ones, computed from the same input windows.
   */
  static boolean validViaSame(Window w) {
    return w.dilated() && w.padding() != Window.Padding.SAME;
  }

  /**
   * The {@code valid} outputs of a stride-1 op from its {@code same} outputs (NHWC): TensorFlow
   * pads {@code same} by {@code (k' - 1) / 2} before and the rest after, so {@code valid[j] =
   * same[j + (k' - 1) / 2]}, dropping {@code k' - 1 - (k' - 1) / 2} at the end.
   */
  static Operand<TFloat32> sameToValid(Ops tf, Operand<TFloat32> y, Window w) {
    Index[] idx = {Indices.all(), Indices.all(), Indices.all(), Indices.all()};
    for (int i = 0; i < w.rank(); i++) {
      int total = w.effectiveSize(i) - 1;
      int before = total / 2;
      int after = total - before;
      idx[3 - w.rank() + i] = after == 0 ? Indices.sliceFrom(before)
          : Indices.slice(before, -after);
    }
    return tf.stridedSlice(y, idx);
  }

  /** {@code x} (NHWC) with {@code before}/{@code after} zeros on the spatial axes. */
  public static Operand<TFloat32> padSpatial(Ops tf, Operand<TFloat32> nhwc, int[] before,
      int[] after) {
    int[][] p = new int[4][2];
    int off = 3 - before.length;
    for (int i = 0; i < before.length; i++) {
      p[off + i][0] = before[i];
      p[off + i][1] = after[i];
    }
    Operand<TInt32> paddings = tf.constant(p);
    return tf.pad(nhwc, paddings, org.kerasbridge.layers.DTypePolicy.constant(tf, 0, nhwc));
  }
}
