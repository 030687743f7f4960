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
 * Keras 3 SGD: {@code v -= lr*g}; with momentum {@code m = m*mu - lr*g; v += m}; with Nesterov
 * {@code v += m*mu - lr*g}. Defaults: learning_rate 0.01, momentum 0, nesterov false.
 */
public final class SGD extends Optimizer {
  private final double momentum;
  private final boolean nesterov;

  public SGD(JsonNode c) {
    super(c == null ? "SGD" : c.path("name").asText("SGD"), c, 0.01);
    momentum = c == null ? 0.0 : c.path("momentum").asDouble(0.0);
    nesterov = c != null && c.path("nesterov").asBoolean(false);
  }

  @Override
  public String className() {
    return "SGD";
  }

  @Override
  protected List<List<String>> slotGroups() {
    return momentum != 0 ? List.of(List.of("momentum")) : List.of();
  }

  @Override
  protected List<Op> updateStep(Ops tf, Step s, Operand<TFloat32> g, GraphRuntime.Var v,
      Operand<TFloat32> var, Map<String, GraphRuntime.Var> slot) {
    Operand<TFloat32> lrG = tf.math.mul(g, s.learningRate());
    if (momentum == 0) {
      return List.of(assign(tf, v, tf.math.sub(var, lrG)));
    }
    Operand<TFloat32> mu = f(tf, momentum);
    GraphRuntime.Var m = slot.get("momentum");
    Operand<TFloat32> mNew = tf.math.sub(tf.math.mul(m.variable(), mu), lrG);
    Operand<TFloat32> delta = nesterov ? tf.math.sub(tf.math.mul(mNew, mu), lrG) : mNew;
    return List.of(assign(tf, m, mNew), assign(tf, v, tf.math.add(var, delta)));
  }

  @Override
  protected void addConfig(ObjectNode c) {
    c.put("momentum", momentum);
    c.put("nesterov", nesterov);
  }
}
