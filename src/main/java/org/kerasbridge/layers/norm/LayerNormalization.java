package org.kerasbridge.layers.norm;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
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
import org.tensorflow.op.math.Mean;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * {@code LayerNormalization(axis, epsilon, center, scale)}: each sample is normalized over the
 * axes {@code axis} (an int or a list; default -1; negative counts from the end), the same in
 * training and inference. Weights {@code gamma} (if {@code scale}) then {@code beta} (if
 * {@code center}), each of shape {@code (input_shape[a] for a in sorted(axis))}.
 *
 * <p>Keras 3.15's {@code ops.layer_normalization} on TensorFlow, op for op:
 * <pre>
 *   mean, var = tf.nn.moments(x, axis, keepdims=True)     (biased variance)
 *   inv = rsqrt(var + epsilon) [* gamma]
 *   y   = x * inv + ((-mean) * inv [+ beta])
 * </pre>
 * with {@code gamma} and {@code beta} reshaped to broadcast along the normalized axes. The mask
 * passes through.
 *
 * <p>Refused: the deprecated {@code rms_scaling=True}.
 */
public final class LayerNormalization extends SingleInputLayer {
  private final int[] axes;
  private final double epsilon;
  private final boolean center;
  private final boolean scale;
  private final JsonNode betaInitializer;
  private final JsonNode gammaInitializer;
  private final Regularizer betaRegularizer;
  private final Regularizer gammaRegularizer;
  private Weight gamma;
  private Weight beta;
  private int[] sortedAxes;

  public LayerNormalization(LayerConfig c) {
    super(c);
    axes = readAxes(c);
    epsilon = c.getDouble("epsilon", 1e-3);
    center = c.getBoolean("center", true);
    scale = c.getBoolean("scale", true);
    c.requireNeutral("rms_scaling", false);
    betaInitializer = c.node("beta_initializer");
    gammaInitializer = c.node("gamma_initializer");
    betaRegularizer = Regularizers.fromConfig(c, "beta_regularizer");
    gammaRegularizer = Regularizers.fromConfig(c, "gamma_regularizer");
    // Constraints act only after optimizer steps; the training loop reads them from the config.
    c.ignore("beta_constraint", "gamma_constraint");
    c.finish();
  }

  private static int[] readAxes(LayerConfig c) {
    JsonNode a = c.node("axis");
    if (a == null) {
      return new int[] {-1};
    }
    if (a.isIntegralNumber()) {
      return new int[] {a.asInt()};
    }
    if (a.isArray() && a.size() > 0) {
      int[] out = new int[a.size()];
      for (int i = 0; i < out.length; i++) {
        if (!a.get(i).isIntegralNumber()) {
          c.unsupported("axis", a, "a whole number or a list of whole numbers");
          return new int[] {-1};
        }
        out[i] = a.get(i).asInt();
      }
      return out;
    }
    c.unsupported("axis", a, "a whole number or a list of whole numbers");
    return new int[] {-1};
  }

  @Override
  protected void build(Shape in) {
    int rank = in.numDimensions();
    if (rank < 0) {
      throw new KerasBridgeException(config.where() + ": inputs of unknown rank are not"
          + " supported");
    }
    // Keras sorts the axes as given (negative ones first) and takes the weight shape in that
    // order; with Python indexing a negative axis counts from the end.
    sortedAxes = axes.clone();
    Arrays.sort(sortedAxes);
    long[] shape = new long[sortedAxes.length];
    for (int i = 0; i < sortedAxes.length; i++) {
      int a = sortedAxes[i] < 0 ? sortedAxes[i] + rank : sortedAxes[i];
      if (a < 0 || a >= rank) {
        throw new ShapeMismatchException(config.where() + ": axis " + sortedAxes[i]
            + " is out of bounds for input shape " + Shapes.keras(in));
      }
      if (in.size(a) < 0) {
        throw new ShapeMismatchException(config.where() + ": the normalized axis "
            + sortedAxes[i] + " must have a known size, input shape is " + Shapes.keras(in));
      }
      shape[i] = in.size(a);
    }
    if (scale) {
      gamma = addWeight("gamma", shape, true, gammaInitializer, false);
    }
    if (center) {
      beta = addWeight("beta", shape, true, betaInitializer, false);
    }
  }

  /**
   * Keras 3.15 ({@code ops.layer_normalization}): the layer does not autocast its input; the op
   * computes in at least float32, with gamma and beta ({@code autocast=False}) converted to
   * float32, casts the result back to the input's dtype, and the layer casts that to its compute
   * dtype.
   */
  @Override
  protected Operand<TFloat32> call(Ops tf, Operand<TFloat32> x, CallContext ctx) {
    Operand<TFloat32> y = callFloat32(tf, DTypePolicy.cast(tf, x, TFloat32.class));
    y = DTypePolicy.cast(tf, y, x.type());
    return DTypePolicy.cast(tf, y, policy().computeType());
  }

  @Override
  protected boolean autocast() {
    return false;
  }

  /** Checked against Keras under float16 and mixed_float16 policies (see {@link DTypePolicy}). */
  @Override
  protected boolean supportsPolicy(DTypePolicy policy) {
    return true;
  }

  private Operand<TFloat32> callFloat32(Ops tf, Operand<TFloat32> x) {
    int rank = x.shape().numDimensions();
    int[] broadcastShape = new int[rank];
    Arrays.fill(broadcastShape, 1);
    for (int a : sortedAxes) {
      int p = a < 0 ? a + rank : a;
      broadcastShape[p] = (int) x.shape().size(p);
    }
    boolean lastOnly = sortedAxes.length == 1 && sortedAxes[0] == rank - 1;
    Operand<TInt32> reduce = tf.constant(sortedAxes);
    Operand<TFloat32> mean = tf.math.mean(x, reduce, Mean.keepDims(true));
    Operand<TFloat32> variance = tf.math.mean(tf.math.squaredDifference(x, tf.stopGradient(mean)),
        reduce, Mean.keepDims(true));
    Operand<TFloat32> inv = tf.math.rsqrt(tf.math.add(variance, tf.constant((float) epsilon)));
    if (gamma != null) {
      inv = tf.math.mul(inv, broadcast(tf, DTypePolicy.cast(tf, gamma.value(), TFloat32.class), broadcastShape,
          lastOnly));
    }
    Operand<TFloat32> res = tf.math.mul(tf.math.neg(mean), inv);
    if (beta != null) {
      res = tf.math.add(res, broadcast(tf, DTypePolicy.cast(tf, beta.value(), TFloat32.class), broadcastShape,
          lastOnly));
    }
    return tf.math.add(tf.math.mul(x, inv), res);
  }

  /** Keras's {@code _broadcast}: a plain reshape to the broadcast shape (no transpose). */
  private static Operand<TFloat32> broadcast(Ops tf, Operand<TFloat32> v, int[] shape,
      boolean lastOnly) {
    if (lastOnly || v.shape().numDimensions() == shape.length) {
      return v;
    }
    return tf.reshape(v, tf.constant(shape));
  }

  @Override
  protected boolean supportsMasking() {
    return true;
  }

  @Override
  public List<RegularizedWeight> regularizedWeights() {
    return RegularizedWeight.present(gamma, gammaRegularizer, beta, betaRegularizer);
  }

  public double epsilon() {
    return epsilon;
  }

  /** Element-wise: the output has the input's shape. */
  @Override
  protected Shape computeOutputShape(Shape in) {
    return in;
  }
}
