package org.kerasbridge.layers;

import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TInt32;

/** Small shape helpers shared by layers. */
public final class Shapes {
  private Shapes() {}

  /** A dimension as Keras prints it. */
  public static String dim(long d) {
    return d < 0 ? "None" : Long.toString(d);
  }

  /** The shape as Keras prints it: {@code (None, 28, 28, 1)}. */
  public static String keras(Shape s) {
    if (s.isUnknown()) {
      return "?";
    }
    StringBuilder b = new StringBuilder("(");
    for (int i = 0; i < s.numDimensions(); i++) {
      b.append(i > 0 ? ", " : "").append(dim(s.size(i)));
    }
    return b.append(s.numDimensions() == 1 ? ",)" : ")").toString();
  }

  /**
   * The 1-D shape {@code [batch, rest...]} with the batch size taken from {@code like} at run
   * time; {@code rest} is static, where one entry may be -1 for reshape to infer.
   */
  public static Operand<TInt32> batchAnd(Ops tf, Operand<?> like, long... rest) {
    int[] dims = new int[rest.length];
    for (int i = 0; i < dims.length; i++) {
      dims[i] = Math.toIntExact(rest[i]);
    }
    long batch = like.shape().numDimensions() > 0 ? like.shape().size(0) : -1;
    if (batch >= 0) {
      int[] all = new int[dims.length + 1];
      all[0] = (int) batch;
      System.arraycopy(dims, 0, all, 1, dims.length);
      return tf.constant(all);
    }
    Operand<TInt32> b = tf.slice(tf.shape(like), tf.constant(new int[] {0}),
        tf.constant(new int[] {1}));
    return tf.concat(java.util.List.of(b, tf.constant(dims)), tf.constant(0));
  }
}
