package org.kerasbridge.layers.core;

import org.kerasbridge.ShapeMismatchException;
import org.kerasbridge.layers.CallContext;
import org.kerasbridge.layers.DTypePolicy;
import org.kerasbridge.layers.LayerConfig;
import org.kerasbridge.layers.Shapes;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.random.RandomUniform;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * {@code Dropout}: the identity at inference. In training, inverted dropout as Keras does it:
 * each element is kept with probability {@code 1 - rate} and scaled by {@code 1 / (1 - rate)}.
 * With {@code noise_shape}, one keep/drop draw is shared along every axis where it is 1 (its
 * {@code None} entries take the input's size), as Keras's {@code backend.random.dropout}
 * broadcasts it. The random draws cannot match Keras's own random stream; training parity
 * fixtures use rate 0.
 */
public class Dropout extends ElementwiseLayer {
  protected final double rate;
  private final long[] noiseShape;

  public Dropout(LayerConfig c) {
    this(c, true);
    c.finish();
  }

  /**
   * @param readNoiseShape whether the config may hold {@code noise_shape} (Keras 3's spatial
   *     dropouts fix their own; a tf.keras 2 file stores theirs as null)
   */
  protected Dropout(LayerConfig c, boolean readNoiseShape) {
    super(c);
    rate = c.getDouble("rate", 0.0);
    if (!(rate >= 0 && rate < 1)) {
      c.unsupported("rate", c.raw().get("rate"), "a number in [0, 1)");
    }
    if (readNoiseShape) {
      noiseShape = c.getShape("noise_shape");
    } else {
      c.requireNeutral("noise_shape", null);
      noiseShape = null;
    }
    c.ignore("seed");
  }

  @Override
  protected Operand<TFloat32> call(Ops tf, Operand<TFloat32> x, CallContext ctx) {
    computeOutputShape(x.shape());
    if (!ctx.training() || rate == 0) {
      return x;
    }
    Operand<TFloat32> keep = keepMask(tf, x, maskShape(tf, x), rate, ctx.nextSeed());
    return tf.math.mul(tf.math.mul(x, keep), DTypePolicy.constant(tf, 1.0 / (1.0 - rate), x));
  }

  /**
   * 1 where {@code uniform >= rate}, else 0, drawn once per element of {@code shape} and in
   * {@code x}'s dtype (float16 under a half policy), as Keras's dropout masks are; the random
   * stream is not Keras's.
   */
  static Operand<TFloat32> keepMask(Ops tf, Operand<TFloat32> x, Operand<TInt32> shape,
      double rate, long seed) {
    Operand<TFloat32> u = tf.random.randomUniform(shape, TFloat32.class,
        RandomUniform.seed(seed >>> 32).seed2(seed & 0xffffffffL));
    return DTypePolicy.cast(tf, tf.math.greaterEqual(u, tf.constant((float) rate)), x.type());
  }

  /**
   * The shape of one draw of the mask: the input's, or {@code noise_shape} with its -1 (None)
   * entries taken from the input.
   */
  protected Operand<TInt32> maskShape(Ops tf, Operand<TFloat32> x) {
    return noiseShapeOf(tf, x, noiseShape);
  }

  static Operand<TInt32> noiseShapeOf(Ops tf, Operand<TFloat32> x, long[] noiseShape) {
    if (noiseShape == null) {
      return tf.shape(x);
    }
    Operand<TInt32> actual = tf.shape(x);
    Operand<TInt32>[] dims = castDims(noiseShape.length);
    for (int i = 0; i < noiseShape.length; i++) {
      dims[i] = noiseShape[i] < 0
          ? tf.reshape(tf.gather(actual, tf.constant(i), tf.constant(0)), tf.constant(new int[] {1}))
          : tf.constant(new int[] {(int) noiseShape[i]});
    }
    return tf.concat(java.util.List.of(dims), tf.constant(0));
  }

  @SuppressWarnings("unchecked")
  private static Operand<TInt32>[] castDims(int n) {
    return (Operand<TInt32>[]) new Operand<?>[n];
  }

  /** Element-wise: the output has the input's shape. */
  @Override
  protected Shape computeOutputShape(Shape in) {
    checkNoiseShape(config, noiseShape, in);
    return in;
  }

  /**
   * A {@code noise_shape} must have the input's rank and, where it is not None, be 1 or the
   * input's size (else the mask cannot broadcast, and TF would fail mid-run).
   */
  static void checkNoiseShape(LayerConfig config, long[] noiseShape, Shape in) {
    if (noiseShape == null || in.numDimensions() < 0) {
      return;
    }
    boolean ok = noiseShape.length == in.numDimensions();
    for (int i = 0; ok && i < noiseShape.length; i++) {
      ok = noiseShape[i] < 0 || noiseShape[i] == 1 || in.size(i) < 0
          || noiseShape[i] == in.size(i);
    }
    if (!ok) {
      throw new ShapeMismatchException(config.where() + ": noise_shape "
          + Shapes.keras(Shape.of(noiseShape)) + " cannot broadcast to the input shape "
          + Shapes.keras(in) + " (expected the input's rank, and 1, None or the input's size"
          + " on each axis)");
    }
  }

}
