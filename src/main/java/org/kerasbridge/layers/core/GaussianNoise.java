package org.kerasbridge.layers.core;

import org.kerasbridge.layers.CallContext;
import org.kerasbridge.layers.DTypePolicy;
import org.kerasbridge.layers.LayerConfig;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.random.RandomStandardNormal;
import org.tensorflow.types.TFloat32;

/**
 * The noise layers that act only in training: the identity at inference, as in Keras.
 * <ul>
 *   <li>{@code GaussianNoise(stddev)}: {@code x + normal(0, stddev)};
 *   <li>{@code GaussianDropout(rate)}: {@code x * normal(1, sqrt(rate / (1 - rate)))};
 *   <li>{@code AlphaDropout(rate, noise_shape)}: with {@code alpha' = -1.6732632423543772 *
 *       1.0507009873554805} (SELU's saturation), {@code keep = uniform >= rate}, {@code a =
 *       ((1 - rate)(1 + rate alpha'^2))^-1/2}, {@code b = -a alpha' rate}: {@code a (x keep +
 *       alpha' (1 - keep)) + b}, which keeps SELU's mean and variance.
 * </ul>
 * The noise is drawn in float32 and cast to the compute dtype; its random stream cannot be
 * Keras's. A rate of 0 (or stddev 0) is the identity in training too, as in Keras.
 */
public final class GaussianNoise extends ElementwiseLayer {
  /** Which of the three layers. */
  public enum Kind { NOISE, DROPOUT, ALPHA_DROPOUT }

  private static final double ALPHA_P =
      -1.6732632423543772848170429916717 * 1.0507009873554804934193349852946;
  private final Kind kind;
  private final double amount;
  private final long[] noiseShape;

  public GaussianNoise(LayerConfig c, Kind kind) {
    super(c);
    this.kind = kind;
    if (kind == Kind.NOISE) {
      // Keras 3 accepts stddev in [0, 1]; tf.keras 2 files may hold any non-negative value
      amount = c.getDouble("stddev", 0.0);
      if (!(amount >= 0 && Double.isFinite(amount))) {
        c.unsupported("stddev", c.raw().get("stddev"), "a finite number >= 0");
      }
    } else {
      amount = c.getDouble("rate", 0.0);
      if (!(amount >= 0 && amount < 1)) {
        c.unsupported("rate", c.raw().get("rate"), "a number in [0, 1) (rate 1 divides by"
            + " zero in Keras's scale)");
      }
    }
    noiseShape = kind == Kind.ALPHA_DROPOUT ? c.getShape("noise_shape") : null;
    c.ignore("seed");
    c.finish();
  }

  @Override
  protected Operand<TFloat32> call(Ops tf, Operand<TFloat32> x, CallContext ctx) {
    computeOutputShape(x.shape());
    if (!ctx.training() || amount == 0) {
      return x;
    }
    long seed = ctx.nextSeed();
    switch (kind) {
      case NOISE: {
        Operand<TFloat32> n = normal(tf, x, seed);
        return tf.math.add(x, DTypePolicy.cast(tf, tf.math.mul(n, tf.constant((float) amount)),
            x.type()));
      }
      case DROPOUT: {
        Operand<TFloat32> n = normal(tf, x, seed);
        float sd = (float) Math.sqrt(amount / (1.0 - amount));
        return tf.math.mul(x, DTypePolicy.cast(tf,
            tf.math.add(tf.math.mul(n, tf.constant(sd)), tf.constant(1f)), x.type()));
      }
      default: {
        Operand<TFloat32> keep = Dropout.keepMask(tf, x, Dropout.noiseShapeOf(tf, x, noiseShape),
            amount, seed);
        double a = Math.pow((1 - amount) * (1 + amount * ALPHA_P * ALPHA_P), -0.5);
        double b = -a * ALPHA_P * amount;
        Operand<TFloat32> one = DTypePolicy.constant(tf, 1.0, x);
        Operand<TFloat32> mixed = tf.math.add(tf.math.mul(x, keep),
            tf.math.mul(DTypePolicy.constant(tf, ALPHA_P, x), tf.math.sub(one, keep)));
        return tf.math.add(tf.math.mul(DTypePolicy.constant(tf, a, x), mixed),
            DTypePolicy.constant(tf, b, x));
      }
    }
  }

  /**
   * Standard normal noise of x's shape, behind a StopGradient: TF's C++ gradient registry (which
   * TF Java differentiates with) has no entry for RandomStandardNormal, where Python's marks it
   * not differentiable; the noise is a constant of the step either way.
   */
  private static Operand<TFloat32> normal(Ops tf, Operand<TFloat32> x, long seed) {
    return tf.stopGradient(tf.random.randomStandardNormal(tf.shape(x), TFloat32.class,
        RandomStandardNormal.seed(seed >>> 32).seed2(seed & 0xffffffffL)));
  }

  @Override
  protected Shape computeOutputShape(Shape in) {
    Dropout.checkNoiseShape(config, noiseShape, in);
    return in;
  }
}
