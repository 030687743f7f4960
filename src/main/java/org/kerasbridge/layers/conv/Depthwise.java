package org.kerasbridge.layers.conv;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.index.Indices;
import org.tensorflow.op.Ops;
import org.tensorflow.op.nn.DepthwiseConv2dNative;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The depthwise convolution of Keras's TensorFlow backend ({@code depthwise_conv}, also the first
 * half of {@code separable_conv}) on NHWC tensors: channel {@code c} is convolved with kernel
 * slice {@code [..., c, m]} for each {@code m < depth_multiplier}, giving output channel {@code c
 * * depth_multiplier + m}.
 *
 * <p>TensorFlow's op cannot combine strides and dilation; then Keras pads for {@code same} as
 * TensorFlow would ({@code max((ceil(n / s) - 1) * s + k' - n, 0)}, the extra element after),
 * runs the dilated convolution at stride 1 with {@code valid}, and keeps every {@code s}-th
 * output. This class does the same.
 */
final class Depthwise {
  private Depthwise() {}

  /** The depthwise convolution of {@code x} (NHWC) with {@code kernel4d} {@code (kh, kw, in, m)}. */
  static Operand<TFloat32> apply(Ops tf, Operand<TFloat32> x, Operand<TFloat32> kernel4d,
      Window w) {
    if (!(w.strided() && w.dilated())) {
      if (Spatial.validViaSame(w)) {
        return Spatial.sameToValid(tf, tf.nn.depthwiseConv2dNative(x, kernel4d, w.strides4d(),
            "SAME", DepthwiseConv2dNative.dilations(w.dilations4d())), w);
      }
      return tf.nn.depthwiseConv2dNative(x, kernel4d, w.strides4d(), w.padding().tf(),
          DepthwiseConv2dNative.dilations(w.dilations4d()));
    }
    int rank = w.rank();
    if (w.padding() == Window.Padding.SAME) {
      x = padSame(tf, x, w);
    }
    // the stride-1 dilated valid convolution, as same + crop (see Spatial.validViaSame)
    Operand<TFloat32> y = Spatial.sameToValid(tf, tf.nn.depthwiseConv2dNative(x, kernel4d,
        Window.nhwc(ones(rank), 1), "SAME", DepthwiseConv2dNative.dilations(w.dilations4d())),
        w);
    int[] s = w.strides();
    long sh = rank == 1 ? 1 : s[0];
    long sw = s[rank - 1];
    return tf.stridedSlice(y, Indices.all(), Indices.sliceFrom(0, sh), Indices.sliceFrom(0, sw),
        Indices.all());
  }

  /**
   * TensorFlow's {@code same} padding made explicit: per spatial axis of length {@code n},
   * {@code total = max((ceil(n / s) - 1) * s + k' - n, 0)}, {@code total / 2} before and the
   * rest after; from static lengths when known, else computed in the graph.
   */
  private static Operand<TFloat32> padSame(Ops tf, Operand<TFloat32> x, Window w) {
    int rank = w.rank();
    int[] s = w.strides();
    boolean known = true;
    for (int i = 0; i < rank; i++) {
      known &= x.shape().size(3 - rank + i) >= 0;
    }
    if (known) {
      int[] before = new int[rank];
      int[] after = new int[rank];
      for (int i = 0; i < rank; i++) {
        long n = x.shape().size(3 - rank + i);
        long total = Math.max(((n + s[i] - 1) / s[i] - 1) * s[i] + w.effectiveSize(i) - n, 0);
        before[i] = (int) (total / 2);
        after[i] = (int) (total - total / 2);
      }
      return Spatial.padSpatial(tf, x, before, after);
    }
    Operand<TInt32> dims = tf.shape(x);
    List<Operand<TInt32>> rows = new ArrayList<>();
    for (int axis = 0; axis < 4; axis++) {
      int i = axis - (3 - rank);
      if (axis == 0 || axis == 3 || i < 0) {
        rows.add(tf.constant(new int[] {0, 0}));
        continue;
      }
      Operand<TInt32> n = tf.reshape(tf.slice(dims, tf.constant(new int[] {axis}),
          tf.constant(new int[] {1})), tf.constant(new int[0]));
      Operand<TInt32> st = tf.constant(s[i]);
      Operand<TInt32> out = tf.math.floorDiv(tf.math.add(n, tf.constant(s[i] - 1)), st);
      Operand<TInt32> total = tf.math.maximum(tf.math.sub(tf.math.add(tf.math.mul(
          tf.math.sub(out, tf.constant(1)), st), tf.constant(w.effectiveSize(i))), n),
          tf.constant(0));
      Operand<TInt32> before = tf.math.floorDiv(total, tf.constant(2));
      rows.add(tf.stack(List.of(before, tf.math.sub(total, before))));
    }
    return tf.pad(x, tf.stack(rows), tf.constant(0f));
  }

  private static int[] ones(int rank) {
    int[] o = new int[rank];
    java.util.Arrays.fill(o, 1);
    return o;
  }
}
