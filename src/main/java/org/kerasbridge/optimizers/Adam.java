package org.kerasbridge.optimizers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.kerasbridge.graph.GraphRuntime;
import org.tensorflow.Operand;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Keras 3 Adam (and, with weight decay, AdamW): with {@code t = iterations + 1},
 * {@code alpha = lr * sqrt(1 - b2^t) / (1 - b1^t)}, {@code m += (g - m)*(1-b1)},
 * {@code v += (g^2 - v)*(1-b2)}, amsgrad {@code vhat = max(vhat, v)},
 * {@code var -= m*alpha / (sqrt(v) + eps)}. Defaults: learning_rate 0.001, beta_1 0.9,
 * beta_2 0.999, epsilon 1e-7 (TF Java's own Adam uses 1e-8).
 */
public class Adam extends Optimizer {
  private final double beta1;
  private final double beta2;
  private final double epsilon;
  private final boolean amsgrad;

  public Adam(JsonNode c) {
    this(c, "adam", 0.001);
  }

  protected Adam(JsonNode c, String dfltName, double dfltLr) {
    super(c == null ? dfltName : c.path("name").asText(dfltName), c, dfltLr);
    beta1 = c == null ? 0.9 : c.path("beta_1").asDouble(0.9);
    beta2 = c == null ? 0.999 : c.path("beta_2").asDouble(0.999);
    epsilon = c == null ? 1e-7 : c.path("epsilon").asDouble(1e-7);
    amsgrad = c != null && c.path("amsgrad").asBoolean(false);
  }

  @Override
  public String className() {
    return "Adam";
  }

  @Override
  protected List<List<String>> slotGroups() {
    List<List<String>> g = new ArrayList<>();
    g.add(List.of("momentum", "velocity"));
    if (amsgrad) {
      g.add(List.of("velocity_hat"));
    }
    return g;
  }

  @Override
  protected List<Op> updateStep(Ops tf, Step s, Operand<TFloat32> g, GraphRuntime.Var v,
      Operand<TFloat32> var, Map<String, GraphRuntime.Var> slot) {
    List<Op> ops = new ArrayList<>();
    Operand<TFloat32> b1Power = tf.math.pow(f(tf, beta1), s.localStep());
    Operand<TFloat32> b2Power = tf.math.pow(f(tf, beta2), s.localStep());
    Operand<TFloat32> one = tf.constant(1f);
    Operand<TFloat32> alpha = tf.math.div(tf.math.mul(s.learningRate(),
        tf.math.sqrt(tf.math.sub(one, b2Power))), tf.math.sub(one, b1Power));
    GraphRuntime.Var m = slot.get("momentum");
    GraphRuntime.Var vel = slot.get("velocity");
    Operand<TFloat32> mNew = tf.math.add(m.variable(), tf.math.mul(
        tf.math.sub(g, m.variable()), f(tf, 1 - beta1)));
    Operand<TFloat32> vNew = tf.math.add(vel.variable(), tf.math.mul(
        tf.math.sub(tf.math.square(g), vel.variable()), f(tf, 1 - beta2)));
    ops.add(assign(tf, m, mNew));
    ops.add(assign(tf, vel, vNew));
    Operand<TFloat32> vUse = vNew;
    if (amsgrad) {
      GraphRuntime.Var vHat = slot.get("velocity_hat");
      vUse = tf.math.maximum(vHat.variable(), vNew);
      ops.add(assign(tf, vHat, vUse));
    }
    Operand<TFloat32> update = tf.math.div(tf.math.mul(mNew, alpha),
        tf.math.add(tf.math.sqrt(vUse), f(tf, epsilon)));
    ops.add(assign(tf, v, tf.math.sub(var, update)));
    return ops;
  }

  @Override
  protected void addConfig(ObjectNode c) {
    c.put("beta_1", beta1);
    c.put("beta_2", beta2);
    c.put("epsilon", epsilon);
    c.put("amsgrad", amsgrad);
  }
}
