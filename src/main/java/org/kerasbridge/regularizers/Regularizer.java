package org.kerasbridge.regularizers;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Keras 3's L1, L2 and L1L2 penalties: {@code l1 * sum(|x|) + l2 * sum(x^2)}, each term present
 * only when its factor is nonzero (as Keras computes it).
 *
 * @param l1 the L1 factor
 * @param l2 the L2 factor
 * @param kerasClass the Keras class name it was read as ({@code L1}, {@code L2} or {@code L1L2})
 */
public record Regularizer(double l1, double l2, String kerasClass) {

  /** The penalty on {@code x}: a float32 scalar. */
  public Operand<TFloat32> penalty(Ops tf, Operand<TFloat32> x) {
    Operand<org.tensorflow.types.TInt32> axes = tf.range(tf.constant(0), tf.rank(x),
        tf.constant(1));
    Operand<TFloat32> total = tf.constant(0f);
    if (l1 != 0.0) {
      total = tf.math.add(total, tf.math.mul(tf.constant((float) l1),
          tf.reduceSum(tf.math.abs(x), axes)));
    }
    if (l2 != 0.0) {
      total = tf.math.add(total, tf.math.mul(tf.constant((float) l2),
          tf.reduceSum(tf.math.square(x), axes)));
    }
    return total;
  }

  /**
   * The activity loss Keras 3 adds for a layer output: the penalty divided by the batch size
   * (Keras 3.x {@code Layer.__call__} normalizes with {@code divide_no_nan}; Keras 2 did not).
   */
  public Operand<TFloat32> activityLoss(Ops tf, Operand<TFloat32> output) {
    Operand<TFloat32> p = penalty(tf, output);
    if (output.shape().numDimensions() == 0) {
      return p;
    }
    Operand<TFloat32> batch = tf.dtypes.cast(
        tf.gather(tf.shape(output), tf.constant(0), tf.constant(0)), TFloat32.class);
    return tf.math.divNoNan(p, batch);
  }
}
