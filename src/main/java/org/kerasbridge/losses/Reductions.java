package org.kerasbridge.losses;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Keras 3's loss reductions ({@code keras/src/losses/loss.py}): weight the per-sample values by
 * the sample weights, then {@code sum} or {@code sum_over_batch_size} (the sum divided by the
 * number of loss values, not by the sum of the weights).
 */
public final class Reductions {
  private Reductions() {}

  public static Operand<TFloat32> reduceWeighted(Ops tf, Operand<TFloat32> values,
      Operand<TFloat32> sampleWeight, String reduction) {
    Operand<TFloat32> v = values;
    if (sampleWeight != null) {
      Operand<TFloat32>[] pair = sameRank(tf, v, sampleWeight);
      v = tf.math.mul(pair[0], pair[1]);
    }
    Operand<TInt32> axes = allAxes(tf, v);
    Operand<TFloat32> sum = tf.reduceSum(v, axes);
    switch (reduction) {
      case "sum":
        return sum;
      case "sum_over_batch_size":
      case "mean":
        Operand<TFloat32> n = tf.dtypes.cast(tf.size(v), TFloat32.class);
        return tf.math.divNoNan(sum, n);
      default:
        throw new IllegalArgumentException("reduction '" + reduction + "'");
    }
  }

  static Operand<TInt32> allAxes(Ops tf, Operand<?> x) {
    return tf.range(tf.constant(0), tf.rank(x), tf.constant(1));
  }

  /**
   * Keras's {@code squeeze_or_expand_to_same_rank}: when ranks differ by one and the longer one
   * ends in 1, squeeze it (or expand the rank-1 one).
   */
  @SuppressWarnings("unchecked")
  public static Operand<TFloat32>[] sameRank(Ops tf, Operand<TFloat32> x1, Operand<TFloat32> x2) {
    int r1 = x1.shape().numDimensions();
    int r2 = x2.shape().numDimensions();
    Operand<TFloat32> a = x1;
    Operand<TFloat32> b = x2;
    if (r1 == r2 + 1 && x1.shape().size(r1 - 1) == 1) {
      if (r2 == 1) {
        b = tf.expandDims(b, tf.constant(-1));
      } else {
        a = tf.squeeze(a, org.tensorflow.op.core.Squeeze.axis(new Long[] {(long) r1 - 1}));
      }
    } else if (r2 == r1 + 1 && x2.shape().size(r2 - 1) == 1) {
      if (r1 == 1) {
        a = tf.expandDims(a, tf.constant(-1));
      } else {
        b = tf.squeeze(b, org.tensorflow.op.core.Squeeze.axis(new Long[] {(long) r2 - 1}));
      }
    }
    return new Operand[] {a, b};
  }

  /** {@code mean(x, axis=-1)}. */
  static Operand<TFloat32> meanLast(Ops tf, Operand<TFloat32> x) {
    return tf.math.mean(x, tf.constant(-1));
  }

  /** {@code sum(x, axis=-1)}. */
  static Operand<TFloat32> sumLast(Ops tf, Operand<TFloat32> x) {
    return tf.reduceSum(x, tf.constant(-1));
  }
}
