package org.kerasbridge.optimizers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.kerasbridge.KerasBridgeException;
import org.kerasbridge.UnsupportedFeatureException;
import org.kerasbridge.graph.GraphRuntime;
import org.kerasbridge.layers.Weight;
import org.kerasbridge.ndarray.NpyArray;
import org.tensorflow.Operand;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Keras 3's optimizer base ({@code keras/src/optimizers/base_optimizer.py}): gradient clipping
 * ({@code clipnorm}, else {@code global_clipnorm}, else {@code clipvalue}), decoupled weight
 * decay {@code v -= v * wd * lr}, then the subclass's {@code update_step} for each variable, then
 * {@code iterations += 1}. Subclasses add only their slots and update rule.
 *
 * <p>Updates are built as graph ops that read the values a step starts from and assign the new
 * values, in Keras's order; every update depends on all gradients, so no gradient ever sees an
 * updated variable. The iteration count lives in Java and is fed to each step.
 */
public abstract class Optimizer {
  protected final String name;
  protected final LearningRate learningRate;
  private final Double clipnorm;
  private final Double clipvalue;
  private final Double globalClipnorm;
  protected final Double weightDecay;
  private final List<Weight> variables = new ArrayList<>();
  /** slot name -> one graph variable per optimized weight, in Keras's creation order. */
  private final Map<String, List<GraphRuntime.Var>> slots = new LinkedHashMap<>();
  private long iterations;
  private GraphRuntime runtime;
  /** Keras keeps a constant learning rate in a variable, so callbacks can change it. */
  private GraphRuntime.Var learningRateVar;

  protected Optimizer(String name, JsonNode config, double defaultLearningRate) {
    this.name = name;
    JsonNode c = config == null ? JsonNodeFactory.instance.objectNode() : config;
    this.learningRate = LearningRate.fromConfig(c.get("learning_rate"), defaultLearningRate);
    this.clipnorm = nullableDouble(c, "clipnorm");
    this.clipvalue = nullableDouble(c, "clipvalue");
    this.globalClipnorm = nullableDouble(c, "global_clipnorm");
    this.weightDecay = nullableDouble(c, "weight_decay");
    if (c.path("use_ema").asBoolean(false)) {
      throw new UnsupportedFeatureException("optimizer '" + name + "': use_ema=True is not"
          + " supported");
    }
    JsonNode gas = c.get("gradient_accumulation_steps");
    if (gas != null && !gas.isNull()) {
      throw new UnsupportedFeatureException("optimizer '" + name + "': gradient_accumulation_steps"
          + " is not supported");
    }
    JsonNode lsf = c.get("loss_scale_factor");
    if (lsf != null && !lsf.isNull()) {
      throw new UnsupportedFeatureException("optimizer '" + name + "': loss_scale_factor is not"
          + " supported");
    }
  }

  private static Double nullableDouble(JsonNode c, String key) {
    JsonNode n = c.get(key);
    return n == null || n.isNull() ? null : n.asDouble();
  }

  /** The Keras class name, e.g. {@code Adam}. */
  public abstract String className();

  /**
   * Slot names in Keras's creation order. Each inner list is one {@code add_optimizer_variables}
   * call: for every variable, one slot per name (Adam: {@code [[momentum, velocity]]}
   * interleaves them; RMSprop's separate calls group them).
   */
  protected abstract List<List<String>> slotGroups();

  /** The initial value of a slot (Adagrad starts its accumulators at 0.1). */
  protected float slotInitialValue(String slot) {
    return 0f;
  }

  /**
   * One variable's update: from its value {@code var} (after weight decay) and its gradient
   * (after clipping), assign the new value and slots. Return the assign ops.
   */
  protected abstract List<Op> updateStep(Ops tf, Step s, Operand<TFloat32> grad,
      GraphRuntime.Var variable, Operand<TFloat32> var, Map<String, GraphRuntime.Var> slot);

  /** What every update step can use: the learning rate and {@code iterations + 1}. */
  public record Step(Operand<TFloat32> learningRate, Operand<TFloat32> localStep) {}

  /** Creates the slots for {@code weights} (once), initialised as Keras does. */
  public void build(GraphRuntime rt, List<Weight> weights) {
    if (runtime != null) {
      if (!weights.equals(variables)) {
        throw new KerasBridgeException("optimizer '" + name + "' was built for other variables");
      }
      return;
    }
    runtime = rt;
    variables.addAll(weights);
    Map<String, NpyArray> init = new LinkedHashMap<>();
    if (learningRate.isConstant()) {
      learningRateVar = rt.createUniqueVariable(name + "/learning_rate", new long[0]);
      init.put(learningRateVar.path(), NpyArray.ofFloats(new long[0],
          (float) learningRate.toConfig().asDouble()));
    }
    for (List<String> group : slotGroups()) {
      for (String s : group) {
        slots.put(s, new ArrayList<>());
      }
      for (Weight w : weights) {
        for (String s : group) {
          GraphRuntime.Var v = rt.createUniqueVariable(slotPath(w, s), w.shape());
          slots.get(s).add(v);
          float[] values = new float[Math.toIntExact(w.size())];
          java.util.Arrays.fill(values, slotInitialValue(s));
          init.put(v.path(), NpyArray.ofFloats(w.shape(), values));
        }
      }
    }
    rt.assign(init);
  }

  /** Keras's optimizer variable path: {@code adam/dense_kernel_momentum}. */
  private String slotPath(Weight w, String slot) {
    return name + "/" + w.path().replace('/', '_') + "_" + slot;
  }

  /**
   * The ops of one step: clip, decay, update. {@code iteration} is a float32 scalar holding
   * {@code iterations} (before the increment); {@code grads} align with the built variables.
   */
  public List<Op> applyGradients(Ops tf, List<Operand<TFloat32>> grads,
      Operand<TFloat32> iteration) {
    if (grads.size() != variables.size()) {
      throw new KerasBridgeException("optimizer '" + name + "': " + grads.size()
          + " gradients for " + variables.size() + " variables");
    }
    List<Op> gradOps = new ArrayList<>();
    List<Operand<TFloat32>> gradValues = new ArrayList<>();
    for (Operand<TFloat32> grad : grads) {
      org.tensorflow.op.core.Identity<TFloat32> id = tf.identity(grad);
      gradOps.add(id);
      gradValues.add(id);
    }
    Ops deps = tf.withControlDependencies(gradOps);
    List<Operand<TFloat32>> g = clip(deps, gradValues);
    Operand<TFloat32> lr = learningRateVar != null ? deps.identity(learningRateVar.read())
        : learningRate.at(deps, iteration);
    Step step = new Step(lr, deps.math.add(iteration, deps.constant(1f)));
    List<Op> ops = new ArrayList<>();
    for (int i = 0; i < variables.size(); i++) {
      GraphRuntime.Var v = variables.get(i).variable();
      Operand<TFloat32> value = deps.identity(v.variable());
      if (weightDecay != null && weightDecay != 0) {
        Operand<TFloat32> wd = deps.constant(weightDecay.floatValue());
        value = deps.math.sub(value, deps.math.mul(deps.math.mul(value, wd), lr));
      }
      Map<String, GraphRuntime.Var> s = new LinkedHashMap<>();
      for (Map.Entry<String, List<GraphRuntime.Var>> e : slots.entrySet()) {
        s.put(e.getKey(), e.getValue().get(i));
      }
      ops.addAll(updateStep(deps, step, g.get(i), v, value, s));
    }
    return ops;
  }

  private List<Operand<TFloat32>> clip(Ops tf, List<Operand<TFloat32>> grads) {
    List<Operand<TFloat32>> out = new ArrayList<>();
    if (clipnorm != null && clipnorm > 0) {
      Operand<TFloat32> c = tf.constant(clipnorm.floatValue());
      for (Operand<TFloat32> g : grads) {
        // tf.clip_by_norm: t * c / max(||t||, c), with the two-tap where against zero norms
        Operand<TFloat32> l2sum = tf.reduceSum(tf.math.square(g), allAxes(tf, g),
            org.tensorflow.op.core.ReduceSum.keepDims(true));
        Operand<org.tensorflow.types.TBool> pred = tf.math.greater(l2sum, tf.constant(0f));
        Operand<TFloat32> safe = tf.select(pred, l2sum, tf.onesLike(l2sum));
        Operand<TFloat32> norm = tf.select(pred, tf.math.sqrt(safe), l2sum);
        out.add(tf.math.div(tf.math.mul(g, c), tf.math.maximum(norm, c)));
      }
      return out;
    }
    if (globalClipnorm != null && globalClipnorm > 0) {
      List<Operand<TFloat32>> squares = new ArrayList<>();
      for (Operand<TFloat32> g : grads) {
        squares.add(tf.reduceSum(tf.math.square(g), allAxes(tf, g)));
      }
      Operand<TFloat32> norm = tf.math.sqrt(tf.reduceSum(tf.stack(squares), tf.constant(0)));
      Operand<TFloat32> c = tf.constant(globalClipnorm.floatValue());
      Operand<TFloat32> scaleFinite = tf.math.mul(c, tf.math.minimum(
          tf.math.div(tf.constant(1f), norm), tf.constant((float) (1.0 / globalClipnorm))));
      Operand<TFloat32> scale = tf.math.add(scaleFinite, tf.math.sub(norm, norm));
      for (Operand<TFloat32> g : grads) {
        out.add(tf.math.mul(g, scale));
      }
      return out;
    }
    if (clipvalue != null && clipvalue > 0) {
      float v = clipvalue.floatValue();
      for (Operand<TFloat32> g : grads) {
        out.add(tf.clipByValue(g, tf.constant(-v), tf.constant(v)));
      }
      return out;
    }
    return grads;
  }

  private static Operand<org.tensorflow.types.TInt32> allAxes(Ops tf, Operand<?> x) {
    return tf.range(tf.constant(0), tf.rank(x), tf.constant(1));
  }

  /** Steps taken so far (Keras's {@code optimizer.iterations}). */
  public long iterations() {
    return iterations;
  }

  public void setIterations(long n) {
    iterations = n;
  }

  /** Called by the training loop after each applied step. */
  public void incrementIterations() {
    iterations++;
  }

  public boolean isBuilt() {
    return runtime != null;
  }

  public String name() {
    return name;
  }

  public LearningRate learningRateSchedule() {
    return learningRate;
  }

  /**
   * The current learning rate: the variable's value for a constant rate (which callbacks may
   * have changed), else the schedule at the current iteration.
   */
  public double learningRate() {
    if (learningRateVar != null) {
      return runtime.read(List.of(learningRateVar.path())).get(learningRateVar.path())
          .getDouble(0);
    }
    if (learningRate.isConstant()) {
      return learningRate.toConfig().asDouble();
    }
    try (org.tensorflow.Graph g = new org.tensorflow.Graph();
        org.tensorflow.Session s = new org.tensorflow.Session(g)) {
      Ops tf = Ops.create(g);
      Operand<TFloat32> v = learningRate.at(tf, tf.constant((float) iterations));
      try (org.tensorflow.Result r = s.runner().fetch(v).run()) {
        return NpyArray.fromTensor(r.get(0)).getDouble(0);
      }
    }
  }

  /** Sets a constant learning rate (Keras's {@code optimizer.learning_rate = v}). */
  public void setLearningRate(double value) {
    if (!learningRate.isConstant()) {
      throw new org.kerasbridge.InvalidInputException("optimizer '" + name + "' uses a learning"
          + " rate schedule; its rate cannot be set");
    }
    if (learningRateVar == null) {
      throw new KerasBridgeException("optimizer '" + name + "' must be built (one training step"
          + " or fit) before its learning rate is set");
    }
    runtime.assign(Map.of(learningRateVar.path(), NpyArray.ofFloats(new long[0],
        (float) value)));
  }

  /**
   * The optimizer's variables as Keras orders and names them: {@code <name>/iteration} (int64),
   * {@code <name>/learning_rate} for a constant rate, then the slots.
   */
  public Map<String, NpyArray> state() {
    Map<String, NpyArray> out = new LinkedHashMap<>();
    out.put(name + "/iteration", NpyArray.ofLongs(new long[0], iterations));
    if (learningRate.isConstant()) {
      out.put(name + "/learning_rate", NpyArray.ofFloats(new long[0], (float) learningRate()));
    }
    if (runtime != null) {
      List<String> paths = new ArrayList<>();
      for (List<String> group : slotGroups()) {
        for (int i = 0; i < variables.size(); i++) {
          for (String s : group) {
            paths.add(slots.get(s).get(i).path());
          }
        }
      }
      out.putAll(runtime.read(paths));
    }
    return out;
  }

  /**
   * Restores state saved by Keras (or {@link #state()}), matched by order: iteration, the
   * learning rate when constant, then the slots in Keras's order. Shapes must agree.
   */
  public void restore(List<NpyArray> values) {
    if (runtime == null) {
      throw new KerasBridgeException("optimizer '" + name + "' must be built before restoring");
    }
    int expected = 1 + (learningRate.isConstant() ? 1 : 0);
    List<GraphRuntime.Var> order = new ArrayList<>();
    for (List<String> group : slotGroups()) {
      for (int i = 0; i < variables.size(); i++) {
        for (String s : group) {
          order.add(slots.get(s).get(i));
        }
      }
    }
    if (values.size() == expected) {
      // saved before the optimizer was built (compiled, never trained): no slots yet
      iterations = (long) values.get(0).getDouble(0);
      if (learningRateVar != null) {
        runtime.assign(Map.of(learningRateVar.path(), values.get(1).castTo(
            org.kerasbridge.ndarray.DType.FLOAT32)));
      }
      return;
    }
    if (values.size() != expected + order.size()) {
      throw new org.kerasbridge.InvalidInputException("optimizer '" + name + "' has "
          + (expected + order.size()) + " variables (iteration"
          + (learningRate.isConstant() ? ", learning_rate" : "") + " and " + order.size()
          + " slots), the saved state has " + values.size());
    }
    iterations = (long) values.get(0).getDouble(0);
    Map<String, NpyArray> assign = new LinkedHashMap<>();
    if (learningRateVar != null) {
      assign.put(learningRateVar.path(), values.get(1).castTo(
          org.kerasbridge.ndarray.DType.FLOAT32));
    }
    for (int i = 0; i < order.size(); i++) {
      assign.put(order.get(i).path(), values.get(expected + i)
          .castTo(org.kerasbridge.ndarray.DType.FLOAT32));
    }
    runtime.assign(assign);
  }

  /** The Keras config of this optimizer ({@code get_config}). */
  public ObjectNode config() {
    ObjectNode c = JsonNodeFactory.instance.objectNode();
    c.put("name", name);
    c.set("learning_rate", learningRateVar == null ? learningRate.toConfig()
        : JsonNodeFactory.instance.numberNode((double) (float) learningRate()));
    putNullable(c, "weight_decay", weightDecay);
    putNullable(c, "clipnorm", clipnorm);
    putNullable(c, "global_clipnorm", globalClipnorm);
    putNullable(c, "clipvalue", clipvalue);
    c.put("use_ema", false);
    c.put("ema_momentum", 0.99);
    c.putNull("ema_overwrite_frequency");
    c.putNull("loss_scale_factor");
    c.putNull("gradient_accumulation_steps");
    addConfig(c);
    return c;
  }

  /** Adds the subclass's own hyperparameters to {@link #config()}. */
  protected abstract void addConfig(ObjectNode c);

  private static void putNullable(ObjectNode c, String k, Double v) {
    if (v == null) {
      c.putNull(k);
    } else {
      c.put(k, v);
    }
  }

  /** Assigns {@code value} to {@code v} and returns the op. */
  protected static Op assign(Ops tf, GraphRuntime.Var v, Operand<TFloat32> value) {
    return tf.assign(v.variable(), value);
  }

  /** A float32 constant of a Python float hyperparameter, as Keras casts it. */
  protected static Operand<TFloat32> f(Ops tf, double v) {
    return tf.constant((float) v);
  }

  @Override
  public String toString() {
    return className() + "(" + config() + ")";
  }
}
