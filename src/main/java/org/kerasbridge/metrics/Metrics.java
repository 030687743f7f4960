package org.kerasbridge.metrics;

import java.util.Locale;
import org.kerasbridge.UnsupportedFeatureException;
import org.kerasbridge.losses.Reductions;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Squeeze;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * Keras metrics by name: accuracy (resolved to binary, categorical or sparse categorical from
 * the shapes, as Keras's {@code get_metric} does), binary_accuracy, categorical_accuracy,
 * sparse_categorical_accuracy, mae, mse.
 */
public final class Metrics {
  private Metrics() {}

  /** The metric {@code name} for labels and predictions of these static shapes. */
  public static Metric get(String name, Shape yTrue, Shape yPred) {
    String n = name.toLowerCase(Locale.ROOT);
    switch (n) {
      case "accuracy":
      case "acc": {
        long pLast = yPred.size(yPred.numDimensions() - 1);
        long tLast = yTrue.size(yTrue.numDimensions() - 1);
        boolean binary = pLast == 1;
        boolean sparse = yTrue.numDimensions() < yPred.numDimensions()
            || tLast == 1 && pLast > 1;
        Metric.Fn fn = binary ? Metrics::binaryAccuracy
            : sparse ? Metrics::sparseCategoricalAccuracy : Metrics::categoricalAccuracy;
        return new Metric(name, fn);
      }
      case "binary_accuracy":
        return new Metric(name, Metrics::binaryAccuracy);
      case "categorical_accuracy":
        return new Metric(name, Metrics::categoricalAccuracy);
      case "sparse_categorical_accuracy":
        return new Metric(name, Metrics::sparseCategoricalAccuracy);
      case "mae":
      case "mean_absolute_error":
        return new Metric(name, (tf, t, p) -> {
          Operand<TFloat32>[] tp = Reductions.sameRank(tf, t, p);
          return tf.math.mean(tf.math.abs(tf.math.sub(tp[0], tp[1])), tf.constant(-1));
        });
      case "mse":
      case "mean_squared_error":
        return new Metric(name, (tf, t, p) -> {
          Operand<TFloat32>[] tp = Reductions.sameRank(tf, t, p);
          return tf.math.mean(tf.math.square(tf.math.sub(tp[0], tp[1])), tf.constant(-1));
        });
      default:
        throw new UnsupportedFeatureException("metric '" + name + "' is not supported (accuracy,"
            + " binary_accuracy, categorical_accuracy, sparse_categorical_accuracy, mae, mse)");
    }
  }

  static Operand<TFloat32> binaryAccuracy(Ops tf, Operand<TFloat32> t, Operand<TFloat32> p) {
    Operand<TFloat32>[] tp = Reductions.sameRank(tf, t, p);
    Operand<TFloat32> pred = tf.dtypes.cast(tf.math.greater(tp[1], tf.constant(0.5f)),
        TFloat32.class);
    return tf.dtypes.cast(tf.math.equal(tp[0], pred), TFloat32.class);
  }

  static Operand<TFloat32> categoricalAccuracy(Ops tf, Operand<TFloat32> t,
      Operand<TFloat32> p) {
    Operand<TInt64> tArg = tf.math.argMax(t, tf.constant(-1));
    Operand<TInt64> pArg = tf.math.argMax(p, tf.constant(-1));
    return tf.dtypes.cast(tf.math.equal(tArg, pArg), TFloat32.class);
  }

  static Operand<TFloat32> sparseCategoricalAccuracy(Ops tf, Operand<TFloat32> t,
      Operand<TFloat32> p) {
    Operand<TFloat32> labels = t;
    int rt = t.shape().numDimensions();
    if (rt == p.shape().numDimensions() && t.shape().size(rt - 1) == 1) {
      labels = tf.squeeze(t, Squeeze.axis(new Long[] {(long) rt - 1}));
    }
    Operand<TFloat32> pArg = tf.dtypes.cast(tf.math.argMax(p, tf.constant(-1)), TFloat32.class);
    return tf.dtypes.cast(tf.math.equal(labels, pArg), TFloat32.class);
  }
}
