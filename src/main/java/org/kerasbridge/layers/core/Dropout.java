package org.kerasbridge.layers.core;

import org.kerasbridge.layers.CallContext;
import org.kerasbridge.layers.LayerConfig;
import org.kerasbridge.layers.SingleInputLayer;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.random.RandomUniform;
import org.tensorflow.types.TFloat32;

/**
 * {@code Dropout}: the identity at inference. In training, inverted dropout as Keras does it:
 * each element is kept with probability {@code 1 - rate} and scaled by {@code 1 / (1 - rate)}.
 * The random draws cannot match Keras's own random stream; training parity fixtures use rate 0.
 */
public final class Dropout extends SingleInputLayer {
  private final double rate;

  public Dropout(LayerConfig c) {
    super(c);
    rate = c.getDouble("rate", 0.0);
    if (rate < 0 || rate >= 1) {
      c.unsupported("rate", c.raw().get("rate"), "a number in [0, 1)");
    }
    c.requireNeutral("noise_shape", null);
    c.ignore("seed");
    c.finish();
  }

  @Override
  protected Operand<TFloat32> call(Ops tf, Operand<TFloat32> x, CallContext ctx) {
    if (!ctx.training() || rate == 0) {
      return x;
    }
    long seed = ctx.nextSeed();
    Operand<TFloat32> u = tf.random.randomUniform(tf.shape(x), TFloat32.class,
        RandomUniform.seed(seed >>> 32).seed2(seed & 0xffffffffL));
    // the mask in x's dtype (float16 under a half policy); the random stream is not Keras's
    Operand<TFloat32> keep = org.kerasbridge.layers.DTypePolicy.cast(tf,
        tf.math.greaterEqual(u, tf.constant((float) rate)), x.type());
    return tf.math.mul(tf.math.mul(x, keep),
        org.kerasbridge.layers.DTypePolicy.constant(tf, 1.0 / (1.0 - rate), x));
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
