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
 * Keras 3 RMSprop: {@code vel = rho*vel + (1-rho)*g^2}; centered: {@code avg = rho*avg +
 * (1-rho)*g}, {@code denom = vel - avg^2 + eps}, else {@code denom = vel + eps};
 * {@code inc = lr*g / sqrt(denom)}; with momentum {@code mom = momentum*mom + inc; v -= mom},
 * else {@code v -= inc}. Defaults: learning_rate 0.001, rho 0.9, momentum 0, epsilon 1e-7.
 */
public final class RMSprop extends Optimizer {
  private final double rho;
  private final double momentum;
  private final double epsilon;
  private final boolean centered;

  public RMSprop(JsonNode c) {
    super(c == null ? "rmsprop" : c.path("name").asText("rmsprop"), c, 0.001);
    rho = c == null ? 0.9 : c.path("rho").asDouble(0.9);
    momentum = c == null ? 0.0 : c.path("momentum").asDouble(0.0);
    epsilon = c == null ? 1e-7 : c.path("epsilon").asDouble(1e-7);
    centered = c != null && c.path("centered").asBoolean(false);
  }

  @Override
  public String className() {
    return "RMSprop";
  }

  @Override
  protected List<List<String>> slotGroups() {
    List<List<String>> g = new ArrayList<>();
    g.add(List.of("velocity"));
    if (momentum > 0) {
      g.add(List.of("momentum"));
    }
    if (centered) {
      g.add(List.of("average_gradient"));
    }
    return g;
  }

  @Override
  protected List<Op> updateStep(Ops tf, Step s, Operand<TFloat32> g, GraphRuntime.Var v,
      Operand<TFloat32> var, Map<String, GraphRuntime.Var> slot) {
    List<Op> ops = new ArrayList<>();
    GraphRuntime.Var vel = slot.get("velocity");
    Operand<TFloat32> velNew = tf.math.add(tf.math.mul(f(tf, rho), vel.variable()),
        tf.math.mul(f(tf, 1 - rho), tf.math.square(g)));
    ops.add(assign(tf, vel, velNew));
    Operand<TFloat32> denom;
    if (centered) {
      GraphRuntime.Var avg = slot.get("average_gradient");
      Operand<TFloat32> avgNew = tf.math.add(tf.math.mul(f(tf, rho), avg.variable()),
          tf.math.mul(f(tf, 1 - rho), g));
      ops.add(assign(tf, avg, avgNew));
      denom = tf.math.add(tf.math.sub(velNew, tf.math.square(avgNew)), f(tf, epsilon));
    } else {
      denom = tf.math.add(velNew, f(tf, epsilon));
    }
    Operand<TFloat32> inc = tf.math.div(tf.math.mul(s.learningRate(), g), tf.math.sqrt(denom));
    if (momentum > 0) {
      GraphRuntime.Var mom = slot.get("momentum");
      Operand<TFloat32> momNew = tf.math.add(tf.math.mul(f(tf, momentum), mom.variable()), inc);
      ops.add(assign(tf, mom, momNew));
      ops.add(assign(tf, v, tf.math.sub(var, momNew)));
    } else {
      ops.add(assign(tf, v, tf.math.sub(var, inc)));
    }
    return ops;
  }

  @Override
  protected void addConfig(ObjectNode c) {
    c.put("rho", rho);
    c.put("momentum", momentum);
    c.put("epsilon", epsilon);
    c.put("centered", centered);
  }
}
