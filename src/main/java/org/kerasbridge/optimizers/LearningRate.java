package org.kerasbridge.optimizers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.kerasbridge.UnsupportedFeatureException;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * A learning rate: a constant, or one of Keras's schedules evaluated at the optimizer's iteration
 * count (before it is incremented), with float32 ops in Keras's order
 * ({@code keras/src/optimizers/schedules/learning_rate_schedule.py}).
 */
public abstract class LearningRate {
  /** The rate at {@code step} (a float32 scalar holding the iteration count). */
  public abstract Operand<TFloat32> at(Ops tf, Operand<TFloat32> step);

  /** The Keras config: a number for a constant, a serialized schedule otherwise. */
  public abstract JsonNode toConfig();

  /** True when Keras keeps the rate in a {@code learning_rate} optimizer variable. */
  public boolean isConstant() {
    return false;
  }

  public static LearningRate constant(double lr) {
    return new LearningRate() {
      @Override
      public Operand<TFloat32> at(Ops tf, Operand<TFloat32> step) {
        return tf.constant((float) lr);
      }

      @Override
      public JsonNode toConfig() {
        return JsonNodeFactory.instance.numberNode((double) (float) lr);
      }

      @Override
      public boolean isConstant() {
        return true;
      }

      @Override
      public String toString() {
        return Double.toString(lr);
      }
    };
  }

  /** Reads {@code learning_rate} from an optimizer config: a number or a schedule dict. */
  public static LearningRate fromConfig(JsonNode n, double dflt) {
    if (n == null || n.isNull() || n.isMissingNode()) {
      return constant(dflt);
    }
    if (n.isNumber()) {
      return constant(n.asDouble());
    }
    String cls = n.path("class_name").asText("");
    JsonNode c = n.path("config");
    switch (cls) {
      case "ExponentialDecay":
        return decay(cls, c, false);
      case "InverseTimeDecay":
        return decay(cls, c, true);
      case "PiecewiseConstantDecay":
        return piecewise(c);
      case "CosineDecay":
        return cosine(c);
      default:
        throw new UnsupportedFeatureException("learning rate " + n + " is not supported"
            + " (a number, ExponentialDecay, InverseTimeDecay, PiecewiseConstantDecay or"
            + " CosineDecay)");
    }
  }

  private static LearningRate decay(String cls, JsonNode c, boolean inverseTime) {
    float initial = (float) c.path("initial_learning_rate").asDouble();
    float steps = (float) c.path("decay_steps").asDouble();
    float rate = (float) c.path("decay_rate").asDouble();
    boolean staircase = c.path("staircase").asBoolean(false);
    return new LearningRate() {
      @Override
      public Operand<TFloat32> at(Ops tf, Operand<TFloat32> step) {
        Operand<TFloat32> p = tf.math.div(step, tf.constant(steps));
        if (staircase) {
          p = tf.math.floor(p);
        }
        if (!inverseTime) {
          return tf.math.mul(tf.constant(initial), tf.math.pow(tf.constant(rate), p));
        }
        Operand<TFloat32> denom = tf.math.add(tf.constant(1f), tf.math.mul(tf.constant(rate), p));
        return tf.math.div(tf.constant(initial), denom);
      }

      @Override
      public JsonNode toConfig() {
        return schedule(cls, c);
      }
    };
  }

  private static LearningRate piecewise(JsonNode c) {
    JsonNode b = c.path("boundaries");
    JsonNode v = c.path("values");
    if (b.size() == 0 || v.size() != b.size() + 1) {
      throw new UnsupportedFeatureException("PiecewiseConstantDecay needs n boundaries and n+1"
          + " values, got " + c);
    }
    return new LearningRate() {
      @Override
      public Operand<TFloat32> at(Ops tf, Operand<TFloat32> step) {
        Operand<TFloat32> result = tf.constant(0f);
        Operand<TFloat32> first = tf.constant((float) b.get(0).asDouble());
        Operand<TFloat32> last = tf.constant((float) b.get(b.size() - 1).asDouble());
        result = tf.math.add(result, tf.math.mul(tf.dtypes.cast(tf.math.lessEqual(step, first),
            TFloat32.class), tf.constant((float) v.get(0).asDouble())));
        result = tf.math.add(result, tf.math.mul(tf.dtypes.cast(tf.math.greater(step, last),
            TFloat32.class), tf.constant((float) v.get(v.size() - 1).asDouble())));
        for (int i = 0; i + 1 < b.size(); i++) {
          Operand<TFloat32> lo = tf.constant((float) b.get(i).asDouble());
          Operand<TFloat32> hi = tf.constant((float) b.get(i + 1).asDouble());
          Operand<TFloat32> in = tf.dtypes.cast(tf.math.logicalAnd(tf.math.greater(step, lo),
              tf.math.lessEqual(step, hi)), TFloat32.class);
          result = tf.math.add(result, tf.math.mul(in, tf.constant((float) v.get(i + 1)
              .asDouble())));
        }
        return result;
      }

      @Override
      public JsonNode toConfig() {
        return schedule("PiecewiseConstantDecay", c);
      }
    };
  }

  private static LearningRate cosine(JsonNode c) {
    float initial = (float) c.path("initial_learning_rate").asDouble();
    float steps = (float) c.path("decay_steps").asDouble();
    double alpha = c.path("alpha").asDouble(0.0);
    JsonNode warmupTarget = c.path("warmup_target");
    float warmupSteps = (float) c.path("warmup_steps").asDouble(0);
    boolean warmup = !warmupTarget.isMissingNode() && !warmupTarget.isNull();
    return new LearningRate() {
      private Operand<TFloat32> decayed(Ops tf, Operand<TFloat32> s, Operand<TFloat32> from) {
        Operand<TFloat32> frac = tf.math.div(s, tf.constant(steps));
        Operand<TFloat32> cos = tf.math.mul(tf.constant(0.5f), tf.math.add(tf.constant(1f),
            tf.math.cos(tf.math.mul(tf.constant((float) Math.PI), frac))));
        Operand<TFloat32> d = tf.math.add(tf.math.mul(tf.constant((float) (1 - alpha)), cos),
            tf.constant((float) alpha));
        return tf.math.mul(from, d);
      }

      @Override
      public Operand<TFloat32> at(Ops tf, Operand<TFloat32> step) {
        if (!warmup) {
          return decayed(tf, tf.math.minimum(step, tf.constant(steps)), tf.constant(initial));
        }
        float target = (float) warmupTarget.asDouble();
        Operand<TFloat32> s = tf.math.minimum(step, tf.constant(steps + warmupSteps));
        Operand<TFloat32> warm = tf.math.add(tf.math.mul(tf.constant(target - initial),
            tf.math.div(s, tf.constant(warmupSteps))), tf.constant(initial));
        Operand<TFloat32> dec = decayed(tf, tf.math.sub(s, tf.constant(warmupSteps)),
            tf.constant(target));
        return tf.select(tf.math.less(s, tf.constant(warmupSteps)), warm, dec);
      }

      @Override
      public JsonNode toConfig() {
        return schedule("CosineDecay", c);
      }
    };
  }

  private static JsonNode schedule(String cls, JsonNode config) {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    n.put("module", "keras.optimizers.schedules");
    n.put("class_name", cls);
    n.set("config", config.deepCopy());
    n.putNull("registered_name");
    return n;
  }
}
