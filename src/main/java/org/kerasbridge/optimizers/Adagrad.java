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
 * Keras 3 Adagrad: {@code acc += g^2; v -= lr*g / sqrt(acc + eps)}. Defaults: learning_rate
 * 0.001, initial_accumulator_value 0.1, epsilon 1e-7.
 */
public final class Adagrad extends Optimizer {
  private final double initialAccumulator;
  private final double epsilon;

  public Adagrad(JsonNode c) {
    super(c == null ? "adagrad" : c.path("name").asText("adagrad"), c, 0.001);
    initialAccumulator = c == null ? 0.1 : c.path("initial_accumulator_value").asDouble(0.1);
    epsilon = c == null ? 1e-7 : c.path("epsilon").asDouble(1e-7);
  }

  @Override
  public String className() {
    return "Adagrad";
  }

  @Override
  protected List<List<String>> slotGroups() {
    return List.of(List.of("accumulator"));
  }

  @Override
  protected float slotInitialValue(String slot) {
    return (float) initialAccumulator;
  }

  @Override
  protected List<Op> updateStep(Ops tf, Step s, Operand<TFloat32> g, GraphRuntime.Var v,
      Operand<TFloat32> var, Map<String, GraphRuntime.Var> slot) {
    GraphRuntime.Var acc = slot.get("accumulator");
    Operand<TFloat32> accNew = tf.math.add(acc.variable(), tf.math.square(g));
    Operand<TFloat32> update = tf.math.div(tf.math.mul(s.learningRate(), g),
        tf.math.sqrt(tf.math.add(accNew, f(tf, epsilon))));
    return List.of(assign(tf, acc, accNew), assign(tf, v, tf.math.sub(var, update)));
  }

  @Override
  protected void addConfig(ObjectNode c) {
    c.put("initial_accumulator_value", initialAccumulator);
    c.put("epsilon", epsilon);
  }
}
