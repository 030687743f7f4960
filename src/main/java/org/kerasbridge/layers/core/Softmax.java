package org.kerasbridge.layers.core;

import com.fasterxml.jackson.databind.JsonNode;
import org.kerasbridge.ShapeMismatchException;
import org.kerasbridge.activations.Activations;
import org.kerasbridge.layers.CallContext;
import org.kerasbridge.layers.LayerConfig;
import org.kerasbridge.layers.Shapes;
import org.kerasbridge.layers.SingleInputLayer;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.ReduceMax;
import org.tensorflow.op.core.ReduceSum;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;

/**
 * {@code Softmax(axis)}: {@code exp(x) / sum(exp(x))} along {@code axis} (default -1; negative
 * counts from the end). A list of one axis is that axis; a list of several axes normalizes over
 * all of them jointly as Keras 3 does, {@code exp(x - logsumexp(x, axes))} with TensorFlow's
 * {@code reduce_logsumexp} (max-shifted, the shift taken as 0 where the max is not finite).
 *
 * <p>Mask (Keras 3 passes the input's mask as the {@code mask} argument): it must broadcast to the
 * input from the right (each mask dimension 1 or equal). Masked positions enter the softmax as
 * {@code -1e9} and leave it as 0: {@code where(mask, softmax(where(mask, x, -1e9)), 0)}. The mask
 * passes through.
 */
public final class Softmax extends SingleInputLayer {
  /** Keras's {@code _large_negative_number} for float32. */
  private static final float LARGE_NEGATIVE = -1e9f;
  private final int[] axes;

  public Softmax(LayerConfig c) {
    super(c);
    JsonNode a = c.node("axis");
    int[] ax = {-1};
    if (a == null) {
      ax = new int[] {-1};
    } else if (a.isIntegralNumber()) {
      ax = new int[] {a.asInt()};
    } else if (a.isArray() && a.size() > 0) {
      ax = new int[a.size()];
      for (int i = 0; i < a.size(); i++) {
        if (!a.get(i).isIntegralNumber()) {
          c.unsupported("axis", a, "a whole number or a list of whole numbers");
          ax = new int[] {-1};
          break;
        }
        ax[i] = a.get(i).asInt();
      }
    } else {
      c.unsupported("axis", a, "a whole number or a list of whole numbers");
    }
    axes = ax;
    c.finish();
  }

  @Override
  protected Operand<TFloat32> call(Ops tf, Operand<TFloat32> x, CallContext ctx) {
    Operand<TBool> mask = ctx.mask(0);
    if (mask != null) {
      checkBroadcastable(mask, x);
      // Keras's _large_negative_number: -3e4 for float16 (-1e9 would overflow), else -1e9
      double large = (Class<?>) x.type() == org.tensorflow.types.TFloat16.class ? -3e4
          : LARGE_NEGATIVE;
      x = tf.select(mask, x, org.kerasbridge.layers.DTypePolicy.constant(tf, large, x));
    }
    Operand<TFloat32> out;
    if (axes.length > 1) {
      Operand<TFloat32> lse = logSumExp(tf, x, tf.constant(axes));
      out = tf.math.exp(tf.math.sub(x, lse));
    } else {
      out = Activations.softmax(tf, x, axes[0]);
    }
    if (mask != null) {
      out = tf.select(mask, out, org.kerasbridge.layers.DTypePolicy.constant(tf, 0, out));
    }
    return out;
  }

  /** {@code tf.math.reduce_logsumexp(x, axes, keepdims=True)}, op for op. */
  private static Operand<TFloat32> logSumExp(Ops tf, Operand<TFloat32> x,
      Operand<org.tensorflow.types.TInt32> axes) {
    Operand<TFloat32> rawMax = tf.reduceMax(x, axes, ReduceMax.keepDims(true));
    Operand<TFloat32> myMax = tf.stopGradient(tf.select(tf.math.isFinite(rawMax), rawMax,
        org.kerasbridge.layers.DTypePolicy.constant(tf, 0, rawMax)));
    Operand<TFloat32> sum = tf.reduceSum(tf.math.exp(tf.math.sub(x, myMax)), axes,
        ReduceSum.keepDims(true));
    return tf.math.add(tf.math.log(sum), myMax);
  }

  private void checkBroadcastable(Operand<TBool> mask, Operand<TFloat32> x) {
    int mr = mask.shape().numDimensions();
    int xr = x.shape().numDimensions();
    boolean ok = mr <= xr;
    for (int i = 1; ok && i <= mr; i++) {
      long m = mask.shape().size(mr - i);
      long d = x.shape().size(xr - i);
      ok = m < 0 || d < 0 || m == 1 || m == d;
    }
    if (!ok) {
      throw new ShapeMismatchException(config.where() + ": the mask of shape "
          + Shapes.keras(mask.shape()) + " does not broadcast to the input of shape "
          + Shapes.keras(x.shape()) + " (each mask dimension, from the right, must be 1 or"
          + " match the input)");
    }
  }

  @Override
  protected boolean supportsMasking() {
    return true;
  }

  /** Element-wise: the output has the input's shape. */
  @Override
  protected Shape computeOutputShape(Shape in) {
    return in;
  }

  /** Checked against Keras under float16 and mixed_float16 policies (see {@link org.kerasbridge.layers.DTypePolicy}). */
  @Override
  protected boolean supportsPolicy(org.kerasbridge.layers.DTypePolicy policy) {
    return true;
  }
}
