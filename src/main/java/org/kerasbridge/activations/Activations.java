package org.kerasbridge.activations;

import com.fasterxml.jackson.databind.JsonNode;
import org.kerasbridge.layers.LayerConfig;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Keras activations by name, with Keras 3's definitions (keras/src/activations and the TF
 * backend's nn.py). Where Keras 2 defined a name differently and the file was written by Keras 2,
 * the file's meaning wins: {@code hard_sigmoid} is {@code clip(0.2x + 0.5, 0, 1)} in Keras 1/2
 * and {@code relu6(x + 3) / 6} in Keras 3.
 */
public final class Activations {
  private static final double SQRT_2_OVER_PI = Math.sqrt(2.0 / Math.PI);

  private Activations() {}

  /** The identity. */
  public static final Activation LINEAR = (tf, x) -> x;

  /**
   * The activation named by {@code config[key]} (default {@code dflt}); unknown names are
   * reported through the config and replaced by linear so reading can go on.
   */
  public static Activation fromConfig(LayerConfig config, String key, String dflt) {
    JsonNode n = config.node(key);
    String name;
    if (n == null) {
      name = dflt;
    } else if (n.isTextual()) {
      name = n.asText();
    } else if (n.isObject() && n.path("class_name").isTextual()
        && n.path("config").isMissingNode()) {
      name = n.path("class_name").asText();
    } else if (n.isObject() && "function".equals(n.path("class_name").asText())
        && n.path("config").isTextual()) {
      name = n.path("config").asText(); // Keras 3 {"module": "keras.activations", ...}
    } else {
      config.unsupported(key, n, "the name of a built-in Keras activation");
      return LINEAR;
    }
    Activation a = byName(name, config.isKeras2OrOlder());
    if (a == null) {
      config.unsupported(key, n, "a built-in Keras activation (linear, relu, sigmoid,"
          + " hard_sigmoid, tanh, softmax, elu, selu, softplus, softsign, exponential, gelu,"
          + " silu/swish, hard_silu/hard_swish, leaky_relu, relu6, log_softmax)");
      return LINEAR;
    }
    return a;
  }

  /** The activation for {@code name}, or null if there is none. */
  public static Activation byName(String name, boolean keras2Semantics) {
    switch (name) {
      case "linear":
        return LINEAR;
      case "relu":
        return (tf, x) -> tf.nn.relu(x);
      case "relu6":
        return (tf, x) -> tf.nn.relu6(x);
      case "sigmoid":
        return (tf, x) -> tf.math.sigmoid(x);
      case "hard_sigmoid":
        return keras2Semantics ? Activations::hardSigmoidKeras2 : Activations::hardSigmoid;
      case "tanh":
        return (tf, x) -> tf.math.tanh(x);
      case "softmax":
        return (tf, x) -> softmax(tf, x, -1);
      case "log_softmax":
        return (tf, x) -> tf.nn.logSoftmax(x);
      case "elu":
        return (tf, x) -> tf.nn.elu(x);
      case "selu":
        return (tf, x) -> tf.nn.selu(x);
      case "softplus":
        return (tf, x) -> tf.math.softplus(x);
      case "softsign":
        return (tf, x) -> tf.nn.softsign(x);
      case "exponential":
        return (tf, x) -> tf.math.exp(x);
      case "gelu":
        return (tf, x) -> gelu(tf, x, false);
      case "silu":
      case "swish":
        return (tf, x) -> tf.math.mul(x, tf.math.sigmoid(x));
      case "leaky_relu":
        return (tf, x) -> tf.nn.leakyRelu(x, org.tensorflow.op.nn.LeakyRelu.alpha(0.2f));
      case "hard_silu":
      case "hard_swish":
        // Keras 3: x * hard_sigmoid(x), hard_sigmoid = relu6(x + 3) / 6 (MobileNetV3's)
        return (tf, x) -> tf.math.mul(x, hardSigmoid(tf, x));
      default:
        return null;
    }
  }

  /**
   * Keras 3's {@code relu(x, negative_slope, max_value, threshold)} ({@code ReLU.static_call} in
   * keras/src/activations/activations.py), op for op:
   * <pre>
   *   slope != 0, no max_value, threshold == 0:  leaky_relu(x, slope)
   *   neg = slope != 0 ? relu(-x + threshold) : (unused)
   *   x   = threshold != 0 ? where(x &gt; threshold, x, 0)
   *       : max_value == 6 ? relu6(x)            (and no further clipping)
   *       : relu(x)
   *   x   = clip(x, 0, max_value)                 when max_value is given (and not consumed above)
   *   x   = x - slope * neg                       when slope != 0
   * </pre>
   * so {@code f(x) = max_value} for {@code x >= max_value}, {@code x} for
   * {@code threshold < x < max_value}, and {@code slope * (x - threshold)} otherwise.
   *
   * @param maxValue the saturation value, or null for none
   */
  public static Operand<TFloat32> relu(Ops tf, Operand<TFloat32> x, double negativeSlope,
      Double maxValue, double threshold) {
    Operand<TFloat32> negativePart = null;
    if (negativeSlope != 0.0) {
      if (maxValue == null && threshold == 0.0) {
        return tf.nn.leakyRelu(x, org.tensorflow.op.nn.LeakyRelu.alpha((float) negativeSlope));
      }
      negativePart = threshold != 0.0
          ? tf.nn.relu(tf.math.add(tf.math.neg(x), c(tf, threshold, x)))
          : tf.nn.relu(tf.math.neg(x));
    }
    boolean clipMax = maxValue != null;
    Operand<TFloat32> y;
    if (threshold != 0.0) {
      y = tf.select(tf.math.greater(x, c(tf, threshold, x)), x, c(tf, 0, x));
    } else if (maxValue != null && maxValue == 6.0) {
      y = tf.nn.relu6(x); // Keras uses the native op here and skips the clip
      clipMax = false;
    } else {
      y = tf.nn.relu(x);
    }
    if (clipMax) {
      y = tf.clipByValue(y, c(tf, 0, x), c(tf, maxValue, x));
    }
    if (negativePart != null) {
      y = tf.math.sub(y, tf.math.mul(c(tf, negativeSlope, x), negativePart));
    }
    return y;
  }

  /**
   * Keras 3's {@code elu(x, alpha)} on TensorFlow: {@code tf.nn.elu(x)} when {@code alpha == 1},
   * else {@code where(x > 0, elu(x), alpha * elu(x))}, i.e. {@code alpha * (exp(x) - 1)} for
   * {@code x <= 0}.
   */
  public static Operand<TFloat32> elu(Ops tf, Operand<TFloat32> x, double alpha) {
    Operand<TFloat32> res = tf.nn.elu(x);
    if (alpha == 1.0) {
      return res;
    }
    return tf.select(tf.math.greater(x, c(tf, 0, x)), res,
        tf.math.mul(c(tf, alpha, x), res));
  }

  /** Keras 3: {@code relu6(x + 3) / 6}. */
  public static Operand<TFloat32> hardSigmoid(Ops tf, Operand<TFloat32> x) {
    return tf.math.div(tf.nn.relu6(tf.math.add(x, c(tf, 3, x))), c(tf, 6, x));
  }

  /** Keras 1/2 and tf.keras 2.x: {@code clip(0.2 * x + 0.5, 0, 1)}. */
  public static Operand<TFloat32> hardSigmoidKeras2(Ops tf, Operand<TFloat32> x) {
    Operand<TFloat32> y = tf.math.add(tf.math.mul(x, c(tf, 0.2, x)), c(tf, 0.5, x));
    return tf.clipByValue(y, c(tf, 0, x), c(tf, 1, x));
  }

  /**
   * {@code tf.nn.gelu} as TF 2.21 (Keras 3.15's backend) writes it: exact as {@code 0.5 * x *
   * erfc(-x * cast(0.7071067811865476))}, or the tanh approximation {@code 0.5 * x * (1 +
   * tanh(0.7978845608028654 * (x + cast(0.044715) * x^3)))}. A {@code math_ops.cast} of a Python
   * float goes through a float32 tensor first; a bare Python float converts to x's dtype directly.
   * The exact form keeps {@code 1 + erf(x / sqrt 2)} in float32 (see below).
   */
  public static Operand<TFloat32> gelu(Ops tf, Operand<TFloat32> x, boolean approximate) {
    Operand<TFloat32> half = c(tf, 0.5, x);
    if (approximate) {
      Operand<TFloat32> cube = tf.math.mul(cast32(tf, 0.044715, x), tf.math.pow(x, c(tf, 3, x)));
      Operand<TFloat32> inner = tf.math.mul(c(tf, SQRT_2_OVER_PI, x), tf.math.add(x, cube));
      return tf.math.mul(tf.math.mul(half, x), tf.math.add(c(tf, 1, x), tf.math.tanh(inner)));
    }
    if (x.type() == TFloat32.class) {
      // 1 + erf(x / sqrt 2), equal to erfc(-x / sqrt 2) within float32 rounding (1e-5 parity):
      // TF Java's C++ gradient registry has Erf's gradient but not Erfc's, so this one trains
      Operand<TFloat32> erf = tf.math.erf(tf.math.div(x, c(tf, Math.sqrt(2.0), x)));
      return tf.math.mul(tf.math.mul(half, x), tf.math.add(c(tf, 1, x), erf));
    }
    // half precision (inference only): TF 2.21's exact op sequence, bit for bit
    Operand<TFloat32> erfc = tf.math.erfc(tf.math.mul(tf.math.neg(x),
        cast32(tf, 0.7071067811865476, x)));
    return tf.math.mul(tf.math.mul(half, x), erfc);
  }

  /** {@code math_ops.cast(value, x.dtype)}: the float32 constant cast to x's dtype. */
  private static Operand<TFloat32> cast32(Ops tf, double value, Operand<TFloat32> x) {
    return org.kerasbridge.layers.DTypePolicy.cast(tf, tf.constant((float) value), x.type());
  }

  /** {@code value} in the dtype of {@code x} (a Python number in a Keras activation). */
  private static Operand<TFloat32> c(Ops tf, double value, Operand<TFloat32> x) {
    return org.kerasbridge.layers.DTypePolicy.constant(tf, value, x);
  }

  /** Softmax along {@code axis} (negative counts from the end). */
  public static Operand<TFloat32> softmax(Ops tf, Operand<TFloat32> x, int axis) {
    int rank = x.shape().numDimensions();
    int a = axis < 0 ? axis + rank : axis;
    if (a == rank - 1 || rank < 0) {
      return tf.nn.softmax(x);
    }
    // tf.nn.softmax works on the last axis: move the axis there and back.
    int[] perm = new int[rank];
    for (int i = 0; i < rank; i++) {
      perm[i] = i;
    }
    perm[a] = rank - 1;
    perm[rank - 1] = a;
    Operand<TFloat32> t = tf.linalg.transpose(x, tf.constant(perm));
    return tf.linalg.transpose(tf.nn.softmax(t), tf.constant(perm));
  }
}
