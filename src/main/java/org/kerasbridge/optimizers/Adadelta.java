package org.kerasbridge.optimizers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import org.kerasbridge.graph.GraphRuntime;
import org.tensorflow.Operand;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Keras 3 Adadelta: {@code ag = rho*ag + (1-rho)*g^2},
 * {@code d = -(sqrt(adv + eps) * g) / sqrt(ag + eps)}, {@code adv = rho*adv + (1-rho)*d^2},
 * {@code v += lr*d}. Defaults: learning_rate 0.001 (Keras 2 used 1.0: write it explicitly),
 * rho 0.95, epsilon 1e-7.
 */
public final class Adadelta extends Optimizer {
  private final double rho;
  private final double epsilon;

  public Adadelta(JsonNode c) {
    super(c == null ? "adadelta" : c.path("name").asText("adadelta"), c, 0.001);
    rho = c == null ? 0.95 : c.path("rho").asDouble(0.95);
    epsilon = c == null ? 1e-7 : c.path("epsilon").asDouble(1e-7);
  }

  @Override
  public String className() {
    return "Adadelta";
  }

  @Override
  protected List<List<String>> slotGroups() {
    return List.of(List.of("accumulated_grad", "accumulated_delta_var"));
  }

  @Override
  protected List<Op> updateStep(Ops tf, Step s, Operand<TFloat32> g, GraphRuntime.Var v,
      Operand<TFloat32> var, Map<String, GraphRuntime.Var> slot) {
    GraphRuntime.Var ag = slot.get("accumulated_grad");
    GraphRuntime.Var adv = slot.get("accumulated_delta_var");
    Operand<TFloat32> eps = f(tf, epsilon);
    Operand<TFloat32> agNew = tf.math.add(tf.math.mul(f(tf, rho), ag.variable()),
        tf.math.mul(f(tf, 1 - rho), tf.math.square(g)));
    Operand<TFloat32> delta = tf.math.neg(tf.math.div(
        tf.math.mul(tf.math.sqrt(tf.math.add(adv.variable(), eps)), g),
        tf.math.sqrt(tf.math.add(agNew, eps))));
    Operand<TFloat32> advNew = tf.math.add(tf.math.mul(f(tf, rho), adv.variable()),
        tf.math.mul(f(tf, 1 - rho), tf.math.square(delta)));
    return List.of(assign(tf, ag, agNew), assign(tf, adv, advNew),
        assign(tf, v, tf.math.add(var, tf.math.mul(s.learningRate(), delta))));
  }

  @Override
  protected void addConfig(ObjectNode c) {
    c.put("rho", rho);
    c.put("epsilon", epsilon);
  }
}
