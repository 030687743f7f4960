package org.kerasbridge.layers.norm;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.kerasbridge.KerasBridgeException;
import org.kerasbridge.ShapeMismatchException;
import org.kerasbridge.layers.CallContext;
import org.kerasbridge.layers.DTypePolicy;
import org.kerasbridge.layers.LayerConfig;
import org.kerasbridge.layers.Shapes;
import org.kerasbridge.layers.SingleInputLayer;
import org.kerasbridge.layers.Weight;
import org.kerasbridge.regularizers.Regularizer;
import org.kerasbridge.regularizers.Regularizers;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.ReduceSum;
import org.tensorflow.op.core.Squeeze;
import org.tensorflow.op.math.Mean;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;

/**
 * {@code BatchNormalization(axis, momentum, epsilon, center, scale)} over the feature axis
 * {@code axis} (default -1; 1 after a channels_first convolution) of an input of any rank. Weights
 * of shape {@code (C,)}, {@code C = input_shape[axis]}, in Keras's order: {@code gamma} (if
 * {@code scale}), {@code beta} (if {@code center}), then the non-trainable {@code moving_mean},
 * {@code moving_variance}.
 *
 * <p>Output, with {@code mean, var} broadcast along {@code axis} ({@code tf.nn.batch_normalization}
 * op for op, as Keras 3's TensorFlow backend calls it):
 * <pre>
 *   inv = rsqrt(var + epsilon) [* gamma]
 *   y   = x * inv + (beta - mean * inv)        (or + (-mean) * inv without beta)
 * </pre>
 * At inference {@code mean, var} are the moving statistics. In a training graph (and only while
 * the layer is trainable: a frozen BatchNormalization runs in inference mode, as in Keras 3) they
 * are the batch statistics over every axis but {@code axis} ({@code tf.nn.moments}: the biased
 * variance {@code mean((x - mean)^2)}), and the moving statistics are updated with the step:
 * {@code moving = moving * momentum + batch * (1 - momentum)}, the biased batch variance included.
 *
 * <p>With an input mask {@code (batch, ...)} of rank one less than the input (Keras 3's masked
 * moments), training statistics count only unmasked positions:
 * {@code mean = sum(where(m, x, 0)) / (sum(m) + 1e-7)},
 * {@code var = sum(where(m, x - mean, 0)^2) / (sum(m) + 1e-7)}. The mask passes through.
 *
 * <p>Refused: {@code renorm=True}, {@code synchronized=True} and Keras 2's
 * {@code virtual_batch_size} / {@code adjustment}.
 */
public final class BatchNormalization extends SingleInputLayer {
  /** Keras's {@code backend.epsilon()}, guarding the masked moments' denominators. */
  private static final float KERAS_EPSILON = 1e-7f;
  private final int axis;
  private final double momentum;
  private final double epsilon;
  private final boolean center;
  private final boolean scale;
  private final JsonNode betaInitializer;
  private final JsonNode gammaInitializer;
  private final JsonNode movingMeanInitializer;
  private final JsonNode movingVarianceInitializer;
  private final Regularizer betaRegularizer;
  private final Regularizer gammaRegularizer;
  private Weight gamma;
  private Weight beta;
  private Weight movingMean;
  private Weight movingVariance;
  private int rank;
  private int featureAxis;

  public BatchNormalization(LayerConfig c) {
    super(c);
    axis = readAxis(c);
    momentum = c.getDouble("momentum", 0.99);
    epsilon = c.getDouble("epsilon", 1e-3);
    center = c.getBoolean("center", true);
    scale = c.getBoolean("scale", true);
    betaInitializer = c.node("beta_initializer");
    gammaInitializer = c.node("gamma_initializer");
    movingMeanInitializer = c.node("moving_mean_initializer");
    movingVarianceInitializer = c.node("moving_variance_initializer");
    betaRegularizer = Regularizers.fromConfig(c, "beta_regularizer");
    gammaRegularizer = Regularizers.fromConfig(c, "gamma_regularizer");
    // Constraints act only after optimizer steps; the training loop reads them from the config.
    c.ignore("beta_constraint", "gamma_constraint");
    c.requireNeutral("synchronized", false);
    c.requireNeutral("renorm", false);
    // Read by Keras only when renorm=True, which is refused above.
    c.ignore("renorm_clipping", "renorm_momentum");
    // Keras 2 only. fused picks TF's fused kernel for the same function (in Keras 2 training
    // its moving variance was the unbiased one; Keras 3, followed here, uses the biased one).
    c.ignore("fused");
    c.requireNeutral("virtual_batch_size", null);
    c.requireNeutral("adjustment", null);
    c.finish();
  }

  /** An int, or a one-element list as tf.keras 2 saved it after build ({@code [3]}). */
  private static int readAxis(LayerConfig c) {
    JsonNode a = c.node("axis");
    if (a == null) {
      return -1;
    }
    if (a.isIntegralNumber()) {
      return a.asInt();
    }
    if (a.isArray() && a.size() == 1 && a.get(0).isIntegralNumber()) {
      return a.get(0).asInt();
    }
    c.unsupported("axis", a, "one axis (a whole number; several axes are not supported)");
    return -1;
  }

  @Override
  protected void build(Shape in) {
    rank = in.numDimensions();
    if (rank < 0) {
      throw new KerasBridgeException(config.where() + ": inputs of unknown rank are not"
          + " supported");
    }
    featureAxis = axis < 0 ? axis + rank : axis;
    if (featureAxis < 0 || featureAxis >= rank) {
      throw new ShapeMismatchException(config.where() + ": axis " + axis + " is out of bounds"
          + " for input shape " + Shapes.keras(in));
    }
    long c = in.size(featureAxis);
    if (c < 0) {
      throw new ShapeMismatchException(config.where() + ": the normalized axis " + axis
          + " must have a known size, input shape is " + Shapes.keras(in));
    }
    long[] shape = {c};
    if (scale) {
      gamma = addWeight("gamma", shape, true, gammaInitializer, false);
    }
    if (center) {
      beta = addWeight("beta", shape, true, betaInitializer, false);
    }
    movingMean = addWeight("moving_mean", shape, false, movingMeanInitializer, false);
    movingVariance = addWeight("moving_variance", shape, false, movingVarianceInitializer,
        false);
  }

  /**
   * Keras 3.15: a float16/bfloat16 input is normalized in float32 ({@code
   * result_type(inputs.dtype, "float32")}) with the weights, created with {@code autocast=False},
   * cast to float32 too, and the result is cast back to the compute dtype.
   */
  @Override
  protected Operand<TFloat32> call(Ops tf, Operand<TFloat32> x, CallContext ctx) {
    Operand<TFloat32> y = callFloat32(tf, DTypePolicy.cast(tf, x, TFloat32.class), ctx);
    return DTypePolicy.cast(tf, y, policy().computeType());
  }

  private static Operand<TFloat32> f32(Ops tf, Weight w) {
    return DTypePolicy.cast(tf, w.value(), TFloat32.class);
  }

  private Operand<TFloat32> callFloat32(Ops tf, Operand<TFloat32> x, CallContext ctx) {
    Operand<TBool> mask = ctx.mask(0);
    if (mask != null && mask.shape().numDimensions() != x.shape().numDimensions() - 1) {
      throw new ShapeMismatchException(config.where() + ": the mask must have one dimension"
          + " less than the input; mask shape " + Shapes.keras(mask.shape()) + ", input shape "
          + Shapes.keras(x.shape()));
    }
    Operand<TFloat32> mean;
    Operand<TFloat32> variance;
    if (ctx.training() && trainable()) {
      int[] reduction = reductionAxes();
      if (mask == null) {
        // tf.nn.moments: the variance is taken around stop_gradient(mean)
        Operand<TFloat32> m = tf.math.mean(x, tf.constant(reduction), Mean.keepDims(true));
        Operand<TFloat32> v = tf.math.mean(tf.math.squaredDifference(x, tf.stopGradient(m)),
            tf.constant(reduction), Mean.keepDims(true));
        mean = squeeze(tf, m, reduction);
        variance = squeeze(tf, v, reduction);
      } else {
        Operand<TFloat32>[] mv = maskedMoments(tf, x, mask, reduction);
        mean = mv[0];
        variance = mv[1];
      }
      ctx.addUpdate(tf.assign(movingMean.variable().variable(), movingAverage(tf,
          f32(tf, movingMean), mean)));
      ctx.addUpdate(tf.assign(movingVariance.variable().variable(), movingAverage(tf,
          f32(tf, movingVariance), variance)));
    } else {
      mean = f32(tf, movingMean);
      variance = f32(tf, movingVariance);
    }
    return normalize(tf, x, mean, variance);
  }

  /** {@code moving * momentum + batch * (1 - momentum)}, the factors rounded as Keras's are. */
  private Operand<TFloat32> movingAverage(Ops tf, Operand<TFloat32> moving,
      Operand<TFloat32> batch) {
    return tf.math.add(tf.math.mul(moving, tf.constant((float) momentum)),
        tf.math.mul(batch, tf.constant((float) (1.0 - momentum))));
  }

  /** Keras 3's {@code BatchNormalization._moments} with a mask. */
  @SuppressWarnings("unchecked")
  private Operand<TFloat32>[] maskedMoments(Ops tf, Operand<TFloat32> x, Operand<TBool> mask,
      int[] reduction) {
    Operand<TBool> m = tf.broadcastTo(tf.expandDims(mask, tf.constant(-1)), tf.shape(x));
    Operand<org.tensorflow.types.TInt32> axes = tf.constant(reduction);
    Operand<TFloat32> zero = tf.constant(0f);
    Operand<TFloat32> sum = tf.reduceSum(tf.select(m, x, zero), axes, ReduceSum.keepDims(true));
    Operand<TFloat32> weights = tf.reduceSum(tf.dtypes.cast(m, TFloat32.class), axes,
        ReduceSum.keepDims(true));
    Operand<TFloat32> denom = tf.math.add(weights, tf.constant(KERAS_EPSILON));
    Operand<TFloat32> mean = tf.math.realDiv(sum, denom);
    Operand<TFloat32> diff = tf.select(m, tf.math.sub(x, mean), zero);
    Operand<TFloat32> dist = tf.reduceSum(tf.math.square(diff), axes, ReduceSum.keepDims(true));
    Operand<TFloat32> variance = tf.math.realDiv(dist, denom);
    return new Operand[] {squeeze(tf, mean, reduction), squeeze(tf, variance, reduction)};
  }

  /** {@code tf.nn.batch_normalization} with the statistics reshaped to broadcast on the axis. */
  private Operand<TFloat32> normalize(Ops tf, Operand<TFloat32> x, Operand<TFloat32> mean,
      Operand<TFloat32> variance) {
    Operand<TFloat32> g = scale ? f32(tf, gamma) : null;
    Operand<TFloat32> b = center ? f32(tf, beta) : null;
    if (featureAxis != rank - 1) {
      int[] shape = new int[rank];
      java.util.Arrays.fill(shape, 1);
      shape[featureAxis] = (int) movingMean.shape()[0];
      Operand<org.tensorflow.types.TInt32> s = tf.constant(shape);
      mean = tf.reshape(mean, s);
      variance = tf.reshape(variance, s);
      g = g == null ? null : tf.reshape(g, s);
      b = b == null ? null : tf.reshape(b, s);
    }
    Operand<TFloat32> inv = tf.math.rsqrt(tf.math.add(variance, tf.constant((float) epsilon)));
    if (g != null) {
      inv = tf.math.mul(inv, g);
    }
    Operand<TFloat32> shift = b != null ? tf.math.sub(b, tf.math.mul(mean, inv))
        : tf.math.mul(tf.math.neg(mean), inv);
    return tf.math.add(tf.math.mul(x, inv), shift);
  }

  private int[] reductionAxes() {
    int[] out = new int[rank - 1];
    for (int i = 0, k = 0; i < rank; i++) {
      if (i != featureAxis) {
        out[k++] = i;
      }
    }
    return out;
  }

  private static Operand<TFloat32> squeeze(Ops tf, Operand<TFloat32> x, int[] axes) {
    List<Long> a = new ArrayList<>();
    for (int i : axes) {
      a.add((long) i);
    }
    return tf.squeeze(x, Squeeze.axis(a));
  }

  @Override
  protected boolean supportsMasking() {
    return true;
  }

  @Override
  public List<RegularizedWeight> regularizedWeights() {
    return RegularizedWeight.present(gamma, gammaRegularizer, beta, betaRegularizer);
  }

  /** The normalized axis as configured (negative counts from the end). */
  public int axis() {
    return axis;
  }

  public double momentum() {
    return momentum;
  }

  public double epsilon() {
    return epsilon;
  }

  /** Element-wise: the output has the input's shape. */
  @Override
  protected Shape computeOutputShape(Shape in) {
    return in;
  }

  /** Checked against Keras under float16 and mixed_float16 policies (see {@link DTypePolicy}). */
  @Override
  protected boolean supportsPolicy(org.kerasbridge.layers.DTypePolicy policy) {
    return true;
  }
}
