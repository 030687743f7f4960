package org.kerasbridge.layers.reshaping;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * {@code ops.repeat(x, r, axis)}: each element repeated {@code r} times along {@code axis}
 * ({@code [a, b] -> [a, a, b, b]}), for static or dynamic lengths.
 */
final class Repeat {
  private Repeat() {}

  static Operand<TFloat32> along(Ops tf, Operand<TFloat32> x, int axis, int r) {
    if (r == 1) {
      return x;
    }
    int rank = x.shape().numDimensions();
    Operand<TFloat32> e = tf.expandDims(x, tf.constant(axis + 1));
    int[] multiples = new int[rank + 1];
    java.util.Arrays.fill(multiples, 1);
    multiples[axis + 1] = r;
    Operand<TFloat32> tiled = tf.tile(e, tf.constant(multiples));
    return tf.reshape(tiled, scaledShape(tf, x, axis, r));
  }

  /** The shape of {@code x} with {@code axis} multiplied by {@code r}; static where known. */
  static Operand<TInt32> scaledShape(Ops tf, Operand<TFloat32> x, int axis, int r) {
    int rank = x.shape().numDimensions();
    int[] stat = new int[rank];
    boolean known = true;
    for (int i = 0; i < rank; i++) {
      long d = x.shape().size(i);
      known &= d >= 0;
      stat[i] = d < 0 ? -1 : Math.toIntExact(i == axis ? d * r : d);
    }
    if (known) {
      return tf.constant(stat);
    }
    int[] scale = new int[rank];
    java.util.Arrays.fill(scale, 1);
    scale[axis] = r;
    return tf.math.mul(tf.shape(x), tf.constant(scale));
  }

}
