package org.kerasbridge.layers.reshaping;

import org.tensorflow.Operand;
import org.tensorflow.ndarray.index.Index;
import org.tensorflow.ndarray.index.Indices;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** {@code x[..., before:-after, ...]} on every axis, as Keras's cropping layers slice. */
final class Crop {
  private Crop() {}

  static Operand<TFloat32> apply(Ops tf, Operand<TFloat32> x, int[][] perAxis) {
    Index[] idx = new Index[perAxis.length];
    for (int i = 0; i < perAxis.length; i++) {
      int b = perAxis[i][0];
      int a = perAxis[i][1];
      idx[i] = a == 0 ? Indices.sliceFrom(b) : Indices.slice(b, -a);
    }
    return tf.stridedSlice(x, idx);
  }
}
