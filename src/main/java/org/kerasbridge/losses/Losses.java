package org.kerasbridge.losses;

import com.fasterxml.jackson.databind.JsonNode;
import org.kerasbridge.UnsupportedFeatureException;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Squeeze;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * Keras 3's losses ({@code keras/src/losses/losses.py} and the TF backend's {@code nn.py}),
 * by name or serialized config. Crossentropies clip probabilities to {@code [1e-7, 1 - 1e-7]}
 * and, like Keras, compute from the logits when the prediction is the direct output of a
 * Softmax (categorical) or Sigmoid (binary) op.
 */
public final class Losses {
  /** Keras's {@code backend.epsilon()}. */
  public static final float EPSILON = 1e-7f;

  private Losses() {}

  /** A loss from a compile config entry: a name ({@code "mse"}) or a serialized loss dict. */
  public static Loss fromConfig(JsonNode n) {
    if (n == null || n.isNull()) {
      throw new UnsupportedFeatureException("no loss given");
    }
    if (n.isTextual()) {
      return byName(n.asText(), null);
    }
    String custom = org.kerasbridge.io.KerasJson.codeReference(n);
    if (custom != null) {
      throw new UnsupportedFeatureException("loss '" + n.path("class_name").asText("") + "' is "
          + custom + "; KerasBridge never imports or runs code named in a model file: compile"
          + " with a built-in loss (fit --loss)");
    }
    String cls = n.path("class_name").asText("");
    JsonNode c = n.path("config");
    if (cls.equals("function") && c.isTextual()) {
      return byName(c.asText(), null);
    }
    return byName(cls, c);
  }

  /** A loss by Keras function or class name, with the class's config (may be null). */
  public static Loss byName(String name, JsonNode c) {
    String reduction = c == null ? "sum_over_batch_size"
        : c.path("reduction").asText("sum_over_batch_size");
    if (!reduction.equals("sum_over_batch_size") && !reduction.equals("sum")
        && !reduction.equals("mean")) {
      throw new UnsupportedFeatureException("loss '" + name + "': reduction '" + reduction
          + "' is not supported (sum_over_batch_size, sum)");
    }
    boolean fromLogits = c != null && c.path("from_logits").asBoolean(false);
    double smoothing = c == null ? 0 : c.path("label_smoothing").asDouble(0);
    if (smoothing != 0) {
      throw new UnsupportedFeatureException("loss '" + name + "': label_smoothing="
          + smoothing + " is not supported");
    }
    if (c != null && c.has("axis") && c.path("axis").asInt(-1) != -1) {
      throw new UnsupportedFeatureException("loss '" + name + "': only axis=-1 is supported");
    }
    if (c != null && c.has("ignore_class") && !c.path("ignore_class").isNull()) {
      throw new UnsupportedFeatureException("loss '" + name + "': ignore_class is not supported");
    }
    switch (name) {
      case "mse":
      case "MSE":
      case "mean_squared_error":
      case "MeanSquaredError":
        return simple("mean_squared_error", "MeanSquaredError", c, reduction,
            (tf, t, p) -> Reductions.meanLast(tf, tf.math.square(tf.math.sub(t, p))));
      case "mae":
      case "MAE":
      case "mean_absolute_error":
      case "MeanAbsoluteError":
        return simple("mean_absolute_error", "MeanAbsoluteError", c, reduction,
            (tf, t, p) -> Reductions.meanLast(tf, tf.math.abs(tf.math.sub(t, p))));
      case "huber":
      case "Huber":
      case "huber_loss": {
        double delta = c == null ? 1.0 : c.path("delta").asDouble(1.0);
        return simple("huber_loss", "Huber", c, reduction,
            (tf, t, p) -> huber(tf, t, p, (float) delta));
      }
      case "kld":
      case "KLD":
      case "kl_divergence":
      case "kullback_leibler_divergence":
      case "KLDivergence":
        return simple("kl_divergence", "KLDivergence", c, reduction, Losses::klDivergence);
      case "binary_crossentropy":
      case "bce":
      case "BinaryCrossentropy":
        return simple("binary_crossentropy", "BinaryCrossentropy", c, reduction,
            (tf, t, p) -> Reductions.meanLast(tf, binaryCrossentropy(tf, t, p, fromLogits)));
      case "categorical_crossentropy":
      case "CategoricalCrossentropy":
        return simple("categorical_crossentropy", "CategoricalCrossentropy", c, reduction,
            (tf, t, p) -> categoricalCrossentropy(tf, t, p, fromLogits));
      case "sparse_categorical_crossentropy":
      case "SparseCategoricalCrossentropy":
        return simple("sparse_categorical_crossentropy", "SparseCategoricalCrossentropy", c,
            reduction,
            (tf, t, p) -> sparseCategoricalCrossentropy(tf, t, p, fromLogits));
      default:
        throw new UnsupportedFeatureException("loss '" + name + "' is not supported (supported:"
            + " mean_squared_error, mean_absolute_error, binary_crossentropy,"
            + " categorical_crossentropy, sparse_categorical_crossentropy, huber,"
            + " kl_divergence)");
    }
  }

  @FunctionalInterface
  interface Fn {
    Operand<TFloat32> apply(Ops tf, Operand<TFloat32> yTrue, Operand<TFloat32> yPred);
  }

  private static Loss simple(String name, String cls, JsonNode config, String reduction, Fn fn) {
    return new Loss() {
      @Override
      public JsonNode toConfig() {
        com.fasterxml.jackson.databind.node.ObjectNode n =
            com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        n.put("module", "keras.losses");
        n.put("class_name", cls);
        com.fasterxml.jackson.databind.node.ObjectNode c = config != null && config.isObject()
            ? ((com.fasterxml.jackson.databind.node.ObjectNode) config).deepCopy()
            : com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        if (!c.has("name")) {
          c.put("name", name);
        }
        c.put("reduction", reduction);
        n.set("config", c);
        n.putNull("registered_name");
        return n;
      }

      @Override
      public String name() {
        return name;
      }

      @Override
      public String reduction() {
        return reduction;
      }

      @Override
      public Operand<TFloat32> values(Ops tf, Operand<TFloat32> yTrue, Operand<TFloat32> yPred) {
        if (!name.equals("sparse_categorical_crossentropy")) {
          Operand<TFloat32>[] pair = Reductions.sameRank(tf, yTrue, yPred);
          return fn.apply(tf, pair[0], pair[1]);
        }
        return fn.apply(tf, yTrue, yPred);
      }

      @Override
      public String toString() {
        return name;
      }
    };
  }

  static Operand<TFloat32> huber(Ops tf, Operand<TFloat32> t, Operand<TFloat32> p, float delta) {
    Operand<TFloat32> error = tf.math.sub(p, t);
    Operand<TFloat32> abs = tf.math.abs(error);
    Operand<TFloat32> half = tf.constant(0.5f);
    Operand<TFloat32> d = tf.constant(delta);
    Operand<TFloat32> quadratic = tf.math.mul(half, tf.math.square(error));
    Operand<TFloat32> linear = tf.math.sub(tf.math.mul(d, abs),
        tf.math.mul(half, tf.math.square(d)));
    return Reductions.meanLast(tf, tf.select(tf.math.lessEqual(abs, d), quadratic, linear));
  }

  static Operand<TFloat32> klDivergence(Ops tf, Operand<TFloat32> t, Operand<TFloat32> p) {
    Operand<TFloat32> tc = tf.clipByValue(t, tf.constant(EPSILON), tf.constant(1f));
    Operand<TFloat32> pc = tf.clipByValue(p, tf.constant(EPSILON), tf.constant(1f));
    return Reductions.sumLast(tf, tf.math.mul(tc, tf.math.log(tf.math.div(tc, pc))));
  }

  /** The logits behind a Softmax/Sigmoid output, or null (Keras's {@code _get_logits}). */
  @SuppressWarnings("unchecked")
  static Operand<TFloat32> logitsBehind(Operand<TFloat32> output, String opType) {
    if (output.op() instanceof GraphOperation g && g.type().equals(opType)
        && g.numInputs() == 1) {
      return (Operand<TFloat32>) g.input(0);
    }
    return null;
  }

  /** Elementwise binary crossentropy (before the mean over the last axis). */
  public static Operand<TFloat32> binaryCrossentropy(Ops tf, Operand<TFloat32> target,
      Operand<TFloat32> output, boolean fromLogits) {
    Operand<TFloat32> logits = fromLogits ? output : logitsBehind(output, "Sigmoid");
    if (logits != null) {
      // tf.nn.sigmoid_cross_entropy_with_logits: max(x, 0) - x * z + log1p(exp(-|x|))
      Operand<TFloat32> zeros = tf.zerosLike(logits);
      Operand<TFloat32> relu = tf.select(tf.math.greaterEqual(logits, zeros), logits, zeros);
      Operand<TFloat32> negAbs = tf.select(tf.math.greaterEqual(logits, zeros),
          tf.math.neg(logits), logits);
      return tf.math.add(tf.math.sub(relu, tf.math.mul(logits, target)),
          tf.math.log1p(tf.math.exp(negAbs)));
    }
    Operand<TFloat32> o = tf.clipByValue(output, tf.constant(EPSILON),
        tf.constant(1f - EPSILON));
    Operand<TFloat32> bce = tf.math.mul(target, tf.math.log(o));
    bce = tf.math.add(bce, tf.math.mul(tf.math.sub(tf.constant(1f), target),
        tf.math.log(tf.math.sub(tf.constant(1f), o))));
    return tf.math.neg(bce);
  }

  public static Operand<TFloat32> categoricalCrossentropy(Ops tf, Operand<TFloat32> target,
      Operand<TFloat32> output, boolean fromLogits) {
    Operand<TFloat32> logits = fromLogits ? output : logitsBehind(output, "Softmax");
    if (logits != null) {
      return softmaxXent(tf, target, logits);
    }
    Operand<TFloat32> o = tf.math.div(output, tf.reduceSum(output, tf.constant(-1),
        org.tensorflow.op.core.ReduceSum.keepDims(true)));
    o = tf.clipByValue(o, tf.constant(EPSILON), tf.constant(1f - EPSILON));
    return tf.math.neg(tf.reduceSum(tf.math.mul(target, tf.math.log(o)), tf.constant(-1)));
  }

  public static Operand<TFloat32> sparseCategoricalCrossentropy(Ops tf, Operand<TFloat32> target,
      Operand<TFloat32> output, boolean fromLogits) {
    int rt = target.shape().numDimensions();
    int ro = output.shape().numDimensions();
    Operand<TFloat32> t = target;
    if (rt == ro && target.shape().size(rt - 1) == 1) {
      t = tf.squeeze(t, Squeeze.axis(new Long[] {(long) rt - 1}));
    }
    Operand<TFloat32> logits = fromLogits ? output : logitsBehind(output, "Softmax");
    if (logits == null) {
      logits = tf.math.log(tf.clipByValue(output, tf.constant(EPSILON),
          tf.constant(1f - EPSILON)));
    }
    Operand<TInt64> labels = tf.dtypes.cast(t, TInt64.class);
    // the raw op takes rank-2 logits and rank-1 labels: flatten leading axes and restore them
    long classes = logits.shape().size(logits.shape().numDimensions() - 1);
    Operand<TFloat32> flatLogits = tf.reshape(logits, tf.constant(new long[] {-1, classes}));
    Operand<TInt64> flatLabels = tf.reshape(labels, tf.constant(new long[] {-1}));
    Operand<TFloat32> loss = tf.nn.sparseSoftmaxCrossEntropyWithLogits(flatLogits, flatLabels)
        .loss();
    return tf.reshape(loss, tf.shape(labels));
  }

  private static Operand<TFloat32> softmaxXent(Ops tf, Operand<TFloat32> labels,
      Operand<TFloat32> logits) {
    int rank = logits.shape().numDimensions();
    long classes = logits.shape().size(rank - 1);
    if (rank == 2) {
      return tf.nn.softmaxCrossEntropyWithLogits(logits, labels).loss();
    }
    Operand<TInt32> lead = tf.slice(tf.shape(logits), tf.constant(new int[] {0}),
        tf.constant(new int[] {rank - 1}));
    Operand<TFloat32> l2 = tf.reshape(logits, tf.constant(new long[] {-1, classes}));
    Operand<TFloat32> y2 = tf.reshape(labels, tf.constant(new long[] {-1, classes}));
    return tf.reshape(tf.nn.softmaxCrossEntropyWithLogits(l2, y2).loss(), lead);
  }
}
