package org.kerasbridge.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.kerasbridge.InvalidInputException;
import org.kerasbridge.KerasBridgeException;
import org.kerasbridge.ShapeMismatchException;
import org.kerasbridge.graph.Device;
import org.kerasbridge.graph.GraphRuntime;
import org.kerasbridge.io.LayerRegistry;
import org.kerasbridge.io.ModelSpec;
import org.kerasbridge.layers.CallContext;
import org.kerasbridge.layers.Layer;
import org.kerasbridge.layers.LayerContext;
import org.kerasbridge.layers.Problems;
import org.kerasbridge.layers.Shapes;
import org.kerasbridge.layers.StatefulLayer;
import org.kerasbridge.layers.Weight;
import org.kerasbridge.layers.core.InputLayer;
import org.kerasbridge.ndarray.NpyArray;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TType;

/**
 * A Keras model running on TF Java: the layer graph ({@link Functional}), the TensorFlow graph
 * and session it is traced into, and its weights as graph variables.
 *
 * <p>The graph is traced once per distinct input shape (batch dimension aside) and every trace
 * shares the same variables, as a Keras {@code tf.function} would. Models with a fixed batch
 * size in their input shape (stateful RNNs) are run in batches of exactly that size.
 *
 * <h2>Threads</h2>
 * <ul>
 *   <li>{@link #predict}, {@link #predictLayers}, {@link #summary} and {@link #weightValues} may
 *       be called from any number of threads at once; their results are the same as serial calls
 *       (one TensorFlow session runs them concurrently). The first call with a new input shape
 *       traces the graph under an exclusive lock. A model with stateful layers (stateful RNNs,
 *       whose every call continues the state) runs one predict at a time.
 *   <li>Training calls ({@link #fit}, {@link #trainOnBatch}, {@link #testOnBatch},
 *       {@link #evaluate}) each take the model exclusively for one step at a time: a predict from
 *       another thread during {@code fit} is safe and sees the weights between two steps. Only one
 *       thread may train at a time: a training call (or {@link #compile}) from a second thread
 *       while a {@code fit} runs is refused with a {@link ConcurrentUseException}.
 *   <li>{@link #close} waits for running calls to finish; any call after it fails with a
 *       {@link ConcurrentUseException}.
 * </ul>
 *
 * <h2>Bad inputs</h2>
 * Every array is checked first ({@link InputCheck}): count, emptiness, dtype, shape and sample
 * counts, each error naming the input by position and Keras name with the expected dtype and
 * shape. NaN and infinite inputs are passed through by predict, as Keras computes with them;
 * {@code fit} refuses them in inputs, targets and sample weights, and stops with a
 * {@link NonFiniteLossException} when a batch's loss is NaN or infinite (Keras's
 * {@code TerminateOnNaN}).
 */
public final class KerasModel implements InferenceModel {
  private final String source;
  private final Functional root;
  private final GraphRuntime runtime;
  private final Map<String, Trace> traces = new HashMap<>();
  private final List<TensorSpec> inputSpecs;
  private final List<TensorSpec> outputSpecs;
  private Map<String, ModelSpec.NamedArray> pendingWeights;
  private ModelSpec spec;
  private volatile boolean weightsLoaded;
  /** Readers: concurrent predicts. Writer: tracing, training steps, weight changes, close. */
  private final java.util.concurrent.locks.ReentrantReadWriteLock lock =
      new java.util.concurrent.locks.ReentrantReadWriteLock();
  /** The thread running {@code fit}, when one is. */
  private final java.util.concurrent.atomic.AtomicReference<Thread> trainingThread =
      new java.util.concurrent.atomic.AtomicReference<>();
  private volatile boolean closed;
  private final List<TensorSpec> targetSpecs;

  /** One traced inference graph. */
  private record Trace(List<Placeholder<?>> inputs, List<Operand<TFloat32>> outputs,
      Map<String, Shape> layerShapes, Map<String, Operand<TFloat32>> layerOutputs,
      List<Op> updates, ActivationMemory largest, long outputBytesPerSample) {}

  private KerasModel(String source, Functional root, Device device) {
    this.source = source;
    this.root = root;
    // half-precision numbers match Keras only with Grappler's fused float16 ops
    this.runtime = new GraphRuntime(device, unrollsLoops(root), !halfPrecisionLayers().isEmpty());
    this.runtime.describeAs(source);
    List<TensorSpec> ins = new ArrayList<>();
    for (InputLayer il : root.inputLayers()) {
      ins.add(new TensorSpec(il.name(), il.inputDtype(), il.batchShape()));
    }
    this.inputSpecs = List.copyOf(ins);
    List<TensorSpec> outs = new ArrayList<>();
    for (String n : root.outputNames()) {
      outs.add(new TensorSpec(n, org.kerasbridge.ndarray.DType.FLOAT32, null));
    }
    this.outputSpecs = List.copyOf(outs);
    this.targetSpecs = outs;
  }

  /** True when a recurrent layer (unrolled over its time steps) is among the model's layers. */
  static boolean unrollsLoops(org.kerasbridge.layers.Layer layer) {
    if (layer instanceof org.kerasbridge.layers.rnn.BaseRnn
        || layer instanceof org.kerasbridge.layers.rnn.Bidirectional) {
      return true;
    }
    if (layer instanceof org.kerasbridge.layers.rnn.TimeDistributed td) {
      return td.layer() != null && unrollsLoops(td.layer());
    }
    if (layer instanceof Functional f) {
      for (org.kerasbridge.layers.Layer l : f.layers()) {
        if (unrollsLoops(l)) {
          return true;
        }
      }
    }
    return false;
  }

  private <T> T exclusive(java.util.function.Supplier<T> work) {
    lock.writeLock().lock();
    try {
      ensureOpen();
      return work.get();
    } finally {
      lock.writeLock().unlock();
    }
  }

  private void exclusive(Runnable work) {
    exclusive(() -> {
      work.run();
      return null;
    });
  }

  private <T> T shared(java.util.function.Supplier<T> work) {
    lock.readLock().lock();
    try {
      ensureOpen();
      return work.get();
    } finally {
      lock.readLock().unlock();
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new ConcurrentUseException(source + ": the model is closed");
    }
  }

  /** Refuses a training call from a thread other than the one running {@code fit}. */
  private void refuseConcurrentTraining(String what) {
    Thread t = trainingThread.get();
    if (t != null && t != Thread.currentThread()) {
      throw new ConcurrentUseException(source + ": " + what + " refused: thread '" + t.getName()
          + "' is training this model (fit); train from one thread at a time");
    }
  }

  /**
   * Builds the model a file describes and loads its weights. Every unsupported layer or argument
   * in the file is reported at once in one {@link org.kerasbridge.UnsupportedFeatureException}.
   */
  public static KerasModel fromSpec(ModelSpec spec, Device device) {
    if (spec.modelConfig() == null) {
      throw new InvalidInputException(spec.source() + ": the file holds no model config");
    }
    // A Keras 1 .h5 carries no keras_version; its layers still mean what Keras 1 meant.
    String version = spec.format() == ModelSpec.Format.H5_KERAS2 && spec.kerasVersion().isEmpty()
        ? "1" : spec.kerasVersion();
    return create(spec, version, device, 1337);
  }

  /**
   * Builds the layers (reporting every problem at once), traces the inference graph when the
   * input shapes are static, and loads (or initializes) the weights.
   */
  private static KerasModel create(ModelSpec spec, String kerasVersion, Device device,
      long seed) {
    Problems problems = new Problems(spec.source().toString());
    Functional root = Functional.topLevel(spec.modelConfig(),
        LayerRegistry.context(problems, kerasVersion));
    problems.throwIfAny();
    KerasModel m = new KerasModel(spec.source().toString(), root, device);
    try {
      m.spec = spec;
      m.initSeed = seed;
      if (m.allStaticShapes()) {
        m.trace(m.defaultShapes());
        m.ensureWeightsLoaded();
      }
      return m;
    } catch (RuntimeException e) {
      m.close();
      throw e;
    }
  }

  public Functional root() {
    return root;
  }

  public GraphRuntime runtime() {
    return runtime;
  }

  @Override
  public List<TensorSpec> inputs() {
    return inputSpecs;
  }

  @Override
  public List<TensorSpec> outputs() {
    return outputSpecs;
  }

  /**
   * Builds the layers as Keras builds a model, symbolically: one trace on inputs whose unknown
   * dimensions stay unknown (a fully-convolutional model builds whatever its image size). Returns
   * false, building nothing more, when a layer needs such a dimension known (an unrolled RNN its
   * number of timesteps); the caller then builds the model with a call on concrete inputs.
   */
  public boolean buildSymbolically() {
    try {
      trace(defaultShapes());
    } catch (org.kerasbridge.KerasBridgeException e) {
      return false;
    }
    ensureWeightsLoaded();
    return true;
  }

  private boolean allStaticShapes() {
    for (TensorSpec s : inputSpecs) {
      long[] sh = s.shape();
      for (int i = 1; i < sh.length; i++) {
        if (sh[i] < 0) {
          return false;
        }
      }
    }
    return true;
  }

  private List<long[]> defaultShapes() {
    List<long[]> out = new ArrayList<>();
    for (TensorSpec s : inputSpecs) {
      out.add(s.shape());
    }
    return out;
  }

  private static String key(List<long[]> shapes) {
    StringBuilder b = new StringBuilder();
    for (long[] s : shapes) {
      b.append(Arrays.toString(s)).append(';');
    }
    return b.toString();
  }

  /** The trace for these input shapes (batch dimension -1 unless the model fixes it). */
  private Trace trace(List<long[]> shapes) {
    String k = key(shapes);
    Trace t = traces.get(k);
    if (t != null) {
      return t;
    }
    try {
      t = buildTrace(shapes);
    } catch (RuntimeException e) {
      // shape inference errors while adding ops (TF raises these rather than aborting)
      if (org.kerasbridge.graph.TfErrors.isTensorFlowError(e)) {
        throw org.kerasbridge.graph.TfErrors.wrap(source + ": TensorFlow rejected the model"
            + " graph for input shapes " + k, e);
      }
      throw e;
    }
    traces.put(k, t);
    return t;
  }

  private Trace buildTrace(List<long[]> shapes) {
    Ops tf = runtime.tf().withSubScope("predict");
    List<Placeholder<?>> phs = new ArrayList<>();
    List<Operand<? extends TType>> ins = new ArrayList<>();
    for (int i = 0; i < inputSpecs.size(); i++) {
      TensorSpec s = inputSpecs.get(i);
      Placeholder<?> p = tf.withName(GraphRuntime.opName(s.name())).placeholder(
          s.dtype().tensorType(), Placeholder.shape(Shape.of(shapes.get(i))));
      phs.add(p);
      ins.add(p);
    }
    CallContext ctx = new CallContext(runtime, false, 0);
    Functional.Traced traced = root.trace(tf, ins, null, ctx);
    // Outputs go through Identity: an output that is an input passed through unchanged (Input ->
    // Dropout at inference) would otherwise be both fed and fetched, which TF refuses.
    // A float16 output stays float16, as Keras's predict returns it; bfloat16, which has no
    // numpy dtype, is widened to float32 (exactly).
    List<Operand<TFloat32>> outs = new ArrayList<>();
    for (Operand<TFloat32> o : traced.outputs()) {
      outs.add(tf.identity(widenBfloat16(tf, o)));
    }
    Map<String, Operand<TFloat32>> layerOuts = new LinkedHashMap<>();
    traced.layerOutputs().forEach((n, v) -> layerOuts.put(n, tf.identity(widenBfloat16(tf, v))));
    // half-precision layers' outputs take 2 bytes a value (a lower bound for mixed models)
    ActivationMemory largest = ActivationMemory.of(traced.layerOutputShapes(),
        halfPrecisionLayers().isEmpty() ? 4 : 2);
    return new Trace(phs, outs, traced.layerOutputShapes(), layerOuts, ctx.updates(), largest,
        outputBytesPerSample(outs));
  }

  /** Bytes per sample of the fetched outputs whose shapes are known (-1 past 2^63). */
  private static long outputBytesPerSample(List<Operand<TFloat32>> outs) {
    long total = 0;
    for (Operand<TFloat32> o : outs) {
      long b = ActivationMemory.perSample(o.shape(),
          (Class<?>) o.type() == org.tensorflow.types.TFloat16.class ? 2 : 4);
      if (b < 0 || total + b < 0) {
        return -1;
      }
      total += b;
    }
    return total;
  }

  private static Operand<TFloat32> widenBfloat16(Ops tf, Operand<TFloat32> o) {
    return (Class<?>) o.type() == org.tensorflow.types.TBfloat16.class
        ? tf.dtypes.cast(o, TFloat32.class) : o;
  }

  /** Assigns the file's weights to the variables, checking counts and shapes. */
  private void loadWeights(ModelSpec s) {
    Map<String, NpyArray> values = new LinkedHashMap<>();
    List<String> problems = new ArrayList<>();
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (Layer l : root.layers()) {
      List<Weight> ws = l.weights();
      List<ModelSpec.NamedArray> stored = s.weightsOf(l.name());
      seen.add(l.name());
      if (ws.isEmpty() && stored.isEmpty()) {
        continue;
      }
      if (ws.size() != stored.size()) {
        problems.add("layer '" + l.name() + "' (" + l.className() + ") has " + ws.size()
            + " weight(s) " + ws.stream().map(w -> w.name() + Arrays.toString(w.shape()))
                .toList() + ", the file stores " + stored.size() + " "
            + stored.stream().map(a -> a.name() + Arrays.toString(a.array().shape())).toList());
        continue;
      }
      for (int i = 0; i < ws.size(); i++) {
        Weight w = ws.get(i);
        NpyArray a = stored.get(i).array();
        if (!Arrays.equals(w.shape(), a.shape())) {
          problems.add("layer '" + l.name() + "' (" + l.className() + ") weight '"
              + w.name() + "' has shape " + Arrays.toString(w.shape()) + " from the config,"
              + " but the file stores '" + stored.get(i).name() + "' with shape "
              + Arrays.toString(a.shape()));
          continue;
        }
        values.put(w.variable().path(), a.castTo(org.kerasbridge.ndarray.DType.FLOAT32));
      }
    }
    for (String stored : s.weights().keySet()) {
      if (!seen.contains(stored) && !s.weights().get(stored).isEmpty()) {
        problems.add("the file stores weights for layer '" + stored + "', which the model"
            + " config does not have");
      }
    }
    if (!problems.isEmpty()) {
      throw new ShapeMismatchException(s.source() + ": weights do not match the model config: "
          + String.join("; ", problems));
    }
    runtime.assign(values);
    resetStates();
    weightsLoaded = true;
  }

  /** The fixed batch size of the model's inputs (a stateful RNN), or -1 when free. */
  long fixedBatchSize() {
    return inputSpecs.isEmpty() || inputSpecs.get(0).shape().length == 0 ? -1
        : inputSpecs.get(0).shape()[0];
  }

  /** Loads the file's weights once the layers have been built by a first trace. */
  void ensureWeightsLoaded() {
    if (weightsLoaded || spec == null) {
      return;
    }
    if (spec.weights().isEmpty() && spec.format() == null) {
      initializeWeights();
    } else {
      loadWeights(spec);
    }
  }

  private long initSeed = 1337;

  /**
   * Builds a model from a Keras 3 model config alone (the builder API): its weights start from
   * the layers' initializers ({@code glorot_uniform} kernels, zero biases, ...) drawn from a
   * generator seeded with {@code seed}.
   */
  public static KerasModel fromConfig(com.fasterxml.jackson.databind.JsonNode modelConfig,
      Device device, long seed) {
    ModelSpec s = new ModelSpec(java.nio.file.Path.of("<java:" + modelConfig.path("config")
        .path("name").asText("model") + ">"), null, "", modelConfig, Map.of(), null, Map.of(),
        List.of());
    return create(s, "", device, seed);
  }

  /** Gives every weight its initializer's values (a model built in Java, not read from a file). */
  private void initializeWeights() {
    java.util.SplittableRandom rng = new java.util.SplittableRandom(initSeed);
    Map<String, NpyArray> values = new LinkedHashMap<>();
    for (Weight w : root.weights()) {
      com.fasterxml.jackson.databind.JsonNode init = w.initializer() != null ? w.initializer()
          : org.kerasbridge.initializers.Initializers.defaultFor(w.name());
      values.put(w.variable().path(), org.kerasbridge.initializers.Initializers.generate(
          init, w.shape(), rng.split()));
    }
    runtime.assign(values);
    resetStates();
    weightsLoaded = true;
  }

  /** Checks inputs against the model and casts them to the input dtypes, as Keras does. */
  List<NpyArray> castInputs(List<NpyArray> xs) {
    List<NpyArray> cast = InputCheck.check(source, batchFree(inputSpecs), xs, true, "input");
    requireWholeBatches(cast.get(0).shape()[0], "the inputs");
    return cast;
  }

  /**
   * The specs with the first dimension free when the model's batch size is fixed (a stateful
   * RNN): arrays of any multiple of that size are split into batches of it, as Keras does, so
   * only the multiple is checked ({@link #requireWholeBatches}).
   */
  private List<TensorSpec> batchFree(List<TensorSpec> specs) {
    if (fixedBatchSize() <= 0) {
      return specs;
    }
    List<TensorSpec> free = new ArrayList<>(specs.size());
    for (TensorSpec s : specs) {
      long[] sh = s.shape();
      if (sh != null && sh.length > 0) {
        sh[0] = -1;
      }
      free.add(new TensorSpec(s.name(), s.dtype(), sh));
    }
    return free;
  }

  /** Refuses a row count that does not split into whole batches of a fixed batch size. */
  private void requireWholeBatches(long rows, String what) {
    long fixed = fixedBatchSize();
    if (fixed > 0 && rows % fixed != 0) {
      throw new InvalidInputException(source + ": the model's batch size is fixed at " + fixed
          + " (e.g. a stateful RNN), so " + what + " need a multiple of " + fixed
          + " samples; got " + rows);
    }
  }

  /**
   * Checks training targets: one per output, non-empty, {@code rows} samples each (as many as the
   * inputs), cast to float32.
   */
  List<NpyArray> checkTargets(List<NpyArray> ys, long rows) {
    List<NpyArray> y = InputCheck.check(source, batchFree(targetSpecs), ys, true, "target");
    for (int i = 0; i < y.size(); i++) {
      if (y.get(i).shape()[0] != rows) {
        throw new InvalidInputException(source + ": " + InputCheck.label("target", i,
            targetSpecs.get(i)) + " has " + y.get(i).shape()[0] + " samples, the inputs have "
            + rows + "; x and y need the same number of samples");
      }
    }
    return y;
  }

  // ---------------------------------------------------------------- training

  private Trainer trainer;

  /** Keras's {@code compile}: an optimizer, one loss (or one per output) and metric names. */
  public void compile(org.kerasbridge.optimizers.Optimizer optimizer,
      List<org.kerasbridge.losses.Loss> losses, List<String> metrics) {
    refuseConcurrentTraining("compile");
    exclusive(() -> {
      this.trainer = new Trainer(this, optimizer, losses, metrics);
    });
  }

  public void compile(org.kerasbridge.optimizers.Optimizer optimizer,
      org.kerasbridge.losses.Loss loss, String... metrics) {
    compile(optimizer, List.of(loss), List.of(metrics));
  }

  /** True once {@link #compile} (or {@link #compileFromFile}) ran. */
  public boolean isCompiled() {
    return trainer != null;
  }

  /** The compiled optimizer; its {@code iterations()} counts the steps taken. */
  public org.kerasbridge.optimizers.Optimizer optimizer() {
    requireCompiled();
    return trainer.optimizer();
  }

  /**
   * Compiles with the optimizer, loss and metrics the file was saved with ({@code compile_config}
   * of a .keras, {@code training_config} of an .h5), and, once the optimizer is built, restores
   * the optimizer state the file carries.
   */
  public void compileFromFile() {
    if (spec == null || spec.compileConfig() == null || spec.compileConfig().isNull()) {
      throw new InvalidInputException(source + ": the file was saved without a compile config;"
          + " compile the model explicitly");
    }
    com.fasterxml.jackson.databind.JsonNode cc = spec.compileConfig();
    org.kerasbridge.optimizers.Optimizer opt;
    try {
      opt = org.kerasbridge.optimizers.Optimizers.fromConfig(cc.get("optimizer"));
    } catch (InvalidInputException e) {
      throw new InvalidInputException(source + ": compile config: " + e.getMessage(), e);
    }
    com.fasterxml.jackson.databind.JsonNode l = cc.get("loss");
    List<org.kerasbridge.losses.Loss> losses = new ArrayList<>();
    if (l != null && l.isArray()) {
      l.forEach(e -> losses.add(org.kerasbridge.losses.Losses.fromConfig(e)));
    } else {
      losses.add(org.kerasbridge.losses.Losses.fromConfig(l));
    }
    List<String> metrics = new ArrayList<>();
    com.fasterxml.jackson.databind.JsonNode m = cc.get("metrics");
    if (m != null && m.isArray()) {
      for (com.fasterxml.jackson.databind.JsonNode e : m) {
        if (e.isTextual()) {
          metrics.add(e.asText());
        } else if (e.isArray()) {
          e.forEach(x -> metrics.add(x.isTextual() ? x.asText()
              : x.path("config").path("name").asText(x.path("class_name").asText())));
        } else {
          metrics.add(e.path("config").path("name").asText(e.path("class_name").asText()));
        }
      }
    }
    compile(opt, losses, metrics);
    pendingOptimizerState = spec.optimizerVariables().isEmpty() ? null
        : new ArrayList<>(spec.optimizerVariables().values());
  }

  private List<NpyArray> pendingOptimizerState;

  private void requireCompiled() {
    if (trainer == null) {
      throw new InvalidInputException(source + ": the model must be compiled before training");
    }
  }

  /**
   * Training a model with a float16/bfloat16 dtype policy is refused: Keras trains such a model
   * with a {@code LossScaleOptimizer} (dynamic loss scaling, which {@code compile} adds for
   * {@code mixed_float16}) and with gradients and updates in the variable dtype, none of which is
   * implemented here. Inference (predict, evaluate) is supported. So is training a model with
   * random image augmentation layers (RandomFlip, ...), whose training transforms are not
   * implemented: refused rather than trained without augmentation.
   */
  private void refuseUnsupportedTraining(String what) {
    List<String> augmenting = new ArrayList<>();
    for (org.kerasbridge.layers.Layer l : leafLayers(root)) {
      if (l instanceof org.kerasbridge.layers.core.RandomAugmentation a) {
        augmenting.add(a.trainingRefusal());
      }
    }
    if (!augmenting.isEmpty()) {
      throw new org.kerasbridge.UnsupportedFeatureException(source + ": " + what + " is not"
          + " supported: " + augmenting.get(0) + (augmenting.size() > 1 ? " (and "
              + (augmenting.size() - 1) + " more augmentation layer(s))" : ""));
    }
    List<String> found = halfPrecisionLayers();
    if (!found.isEmpty()) {
      throw new org.kerasbridge.UnsupportedFeatureException(source + ": " + what + " is not"
          + " supported for a model with a half-precision dtype policy (" + String.join(", ",
              found.subList(0, Math.min(3, found.size()))) + (found.size() > 3 ? ", ..." : "")
          + "): Keras trains it with loss scaling (LossScaleOptimizer) and float16 gradients,"
          + " which KerasBridge does not implement; predict and evaluate work");
    }
  }

  /**
   * The layers with a dtype policy other than float32, each as {@code layer 'name' (Class) has
   * dtype policy "policy"}; empty for a float32 model.
   */
  public List<String> halfPrecisionLayers() {
    List<String> found = new ArrayList<>();
    for (org.kerasbridge.layers.Layer l : leafLayers(root)) {
      if (!l.policy().isFloat32() && !(l instanceof org.kerasbridge.layers.core.InputLayer)) {
        found.add("layer '" + l.name() + "' (" + l.className() + ") has dtype policy \""
            + l.policy().name() + "\"");
      }
    }
    return found;
  }

  /** The layers of {@code f} and of the models nested in it, in config order. */
  private static List<org.kerasbridge.layers.Layer> leafLayers(Functional f) {
    List<org.kerasbridge.layers.Layer> out = new ArrayList<>();
    for (org.kerasbridge.layers.Layer l : f.layers()) {
      if (l instanceof Functional inner) {
        out.addAll(leafLayers(inner));
      } else {
        out.add(l);
      }
    }
    return out;
  }

  /** One optimizer step on one batch; returns {@code loss} and the metrics for that batch. */
  public Map<String, Double> trainOnBatch(List<NpyArray> x, List<NpyArray> y,
      NpyArray sampleWeight) {
    requireCompiled();
    refuseUnsupportedTraining("trainOnBatch");
    refuseConcurrentTraining("trainOnBatch");
    return exclusive(() -> {
      prepareTraining(x, y);
      return logs(trainer.step(true, x, y, sampleWeight));
    });
  }

  /** Builds the optimizer (and restores saved state) before the first training step. */
  private void prepareTraining(List<NpyArray> x, List<NpyArray> y) {
    if (!trainer.optimizer().isBuilt()) {
      trainer.buildTrainGraph(castInputs(x), y);
    }
    if (pendingOptimizerState != null) {
      trainer.optimizer().restore(pendingOptimizerState);
      pendingOptimizerState = null;
    }
  }

  /** Loss and metrics on one batch, without updating anything but stateful layers. */
  public Map<String, Double> testOnBatch(List<NpyArray> x, List<NpyArray> y,
      NpyArray sampleWeight) {
    requireCompiled();
    refuseConcurrentTraining("testOnBatch");
    return exclusive(() -> logs(trainer.step(false, x, y, sampleWeight)));
  }

  private static Map<String, Double> logs(Trainer.StepResult r) {
    Map<String, Double> out = new LinkedHashMap<>();
    out.put("loss", r.loss());
    r.metrics().forEach((k, v) -> out.put(k, v[1] == 0 ? 0.0 : v[0] / v[1]));
    return out;
  }

  /** Running means over batches, as Keras's loss tracker and mean metrics keep them. */
  private static final class Aggregate {
    private double lossSum;
    private long lossWeight;
    private final Map<String, double[]> metrics = new LinkedHashMap<>();

    void add(Trainer.StepResult r) {
      lossSum += r.loss() * r.batchSize();
      lossWeight += r.batchSize();
      r.metrics().forEach((k, v) -> {
        double[] acc = metrics.computeIfAbsent(k, x -> new double[2]);
        acc[0] += v[0];
        acc[1] += v[1];
      });
    }

    Map<String, Double> result(String prefix) {
      Map<String, Double> out = new LinkedHashMap<>();
      metrics.forEach((k, v) -> out.put(prefix + k, v[1] == 0 ? 0.0 : v[0] / v[1]));
      out.put(prefix + "loss", lossWeight == 0 ? 0.0 : lossSum / lossWeight);
      return out;
    }
  }

  /** Keras's {@code evaluate}: mean loss and metrics over all batches. */
  public Map<String, Double> evaluate(List<NpyArray> x, List<NpyArray> y, int batchSize) {
    requireCompiled();
    refuseConcurrentTraining("evaluate");
    if (batchSize < 1) {
      throw new InvalidInputException("batch size must be >= 1, got " + batchSize);
    }
    List<NpyArray> xs = castInputs(x);
    return evaluate(xs, checkTargets(y, xs.get(0).shape()[0]), null, batchSize, "");
  }

  private Map<String, Double> evaluate(List<NpyArray> x, List<NpyArray> y, NpyArray sw,
      int batchSize, String prefix) {
    long rows = x.get(0).shape()[0];
    long fixed = fixedBatchSize();
    int step = fixed > 0 ? (int) fixed : batchSize;
    Aggregate agg = new Aggregate();
    for (long from = 0; from < rows; from += step) {
      long to = Math.min(rows, from + step);
      long f = from;
      agg.add(exclusive(() -> trainer.step(false, rows(x, f, to), rows(y, f, to),
          sw == null ? null : sw.sliceRows(f, to))));
    }
    return agg.result(prefix);
  }

  private static List<NpyArray> rows(List<NpyArray> arrays, long from, long to) {
    List<NpyArray> out = new ArrayList<>();
    for (NpyArray a : arrays) {
      out.add(a.sliceRows(from, to));
    }
    return out;
  }

  private static List<NpyArray> take(List<NpyArray> arrays, int[] index, int from, int to) {
    List<NpyArray> out = new ArrayList<>();
    for (NpyArray a : arrays) {
      out.add(a.takeRows(index, from, to));
    }
    return out;
  }

  /** Set by a callback (EarlyStopping) to end {@code fit} after the current epoch. */
  private volatile boolean stopTraining;

  public void stopTraining() {
    stopTraining = true;
  }

  /**
   * Keras's {@code fit}: epochs of shuffled (or ordered) batches, validation at each epoch's end,
   * callbacks, and Keras-like progress to the options' {@link ProgressSink} unless not verbose.
   */
  public History fit(List<NpyArray> x, List<NpyArray> y, FitOptions o) {
    requireCompiled();
    refuseUnsupportedTraining("fit");
    Thread me = Thread.currentThread();
    if (!trainingThread.compareAndSet(null, me)) {
      refuseConcurrentTraining("fit");
      throw new ConcurrentUseException(source + ": fit called from within fit");
    }
    try {
      return fitChecked(x, y, o);
    } finally {
      trainingThread.set(null);
    }
  }

  private History fitChecked(List<NpyArray> x, List<NpyArray> y, FitOptions o) {
    List<NpyArray> xs = castInputs(x);
    long rows = xs.get(0).shape()[0];
    List<NpyArray> ys = checkTargets(y, rows);
    for (int i = 0; i < xs.size(); i++) {
      InputCheck.requireFinite(source, InputCheck.label("input", i, inputSpecs.get(i)),
          xs.get(i));
    }
    for (int i = 0; i < ys.size(); i++) {
      InputCheck.requireFinite(source, InputCheck.label("target", i, targetSpecs.get(i)),
          ys.get(i));
    }
    NpyArray sw = o.sampleWeight;
    if (sw != null) {
      if (sw.rank() == 0 || sw.shape()[0] != rows) {
        throw new InvalidInputException(source + ": sample weights " + sw + " need one value"
            + " per sample (" + rows + ")");
      }
      InputCheck.requireFinite(source, "the sample weights", sw);
    }
    if (o.validationX != null) {
      List<NpyArray> vxs = castInputs(o.validationX);
      checkTargets(o.validationY, vxs.get(0).shape()[0]);
    }
    List<NpyArray> vx = o.validationX;
    List<NpyArray> vy = o.validationY;
    if (o.validationSplit > 0) {
      long split = (long) Math.floor(rows * (1.0 - o.validationSplit));
      vx = rows(xs, split, rows);
      vy = rows(ys, split, rows);
      xs = rows(xs, 0, split);
      ys = rows(ys, 0, split);
      sw = sw == null ? null : sw.sliceRows(0, split);
      rows = split;
      requireWholeBatches(split, "the training rows left by validation_split");
      requireWholeBatches(vx.get(0).shape()[0], "the validation_split rows");
    }
    long fixed = fixedBatchSize();
    int batch = fixed > 0 ? (int) fixed : o.batchSize;
    int steps = (int) ((rows + batch - 1) / batch);
    if (rows == 0) {
      throw new InvalidInputException("no training samples");
    }
    List<NpyArray> firstX = rows(xs, 0, Math.min(rows, batch));
    List<NpyArray> firstY = rows(ys, 0, Math.min(rows, batch));
    exclusive(() -> prepareTraining(firstX, firstY));
    History history = new History();
    stopTraining = false;
    java.util.Random rng = new java.util.Random(o.seed);
    for (Callback c : o.callbacks) {
      c.onTrainBegin(this);
    }
    try {
      return epochs(xs, ys, sw, vx, vy, rows, batch, steps, rng, history, o);
    } finally {
      for (Callback c : o.callbacks) {
        c.onTrainEnd(this);
      }
    }
  }

  private History epochs(List<NpyArray> xs, List<NpyArray> ys, NpyArray sw, List<NpyArray> vx,
      List<NpyArray> vy, long rows, int batch, int steps, java.util.Random rng, History history,
      FitOptions o) {
    ProgressSink bar = !o.verbose ? ProgressSink.none()
        : o.progress != null ? o.progress : ProgressSink.getDefault();
    for (int epoch = o.initialEpoch; epoch < o.epochs && !stopTraining; epoch++) {
      for (Callback c : o.callbacks) {
        c.onEpochBegin(this, epoch);
      }
      bar.epochBegin(epoch, o.epochs, steps);
      int[] order = null;
      if (o.shuffle) {
        order = new int[(int) rows];
        for (int i = 0; i < order.length; i++) {
          order[i] = i;
        }
        for (int i = order.length - 1; i > 0; i--) {
          int j = rng.nextInt(i + 1);
          int t = order[i];
          order[i] = order[j];
          order[j] = t;
        }
      }
      Aggregate agg = new Aggregate();
      for (int s = 0; s < steps; s++) {
        int from = s * batch;
        int to = (int) Math.min(rows, (long) from + batch);
        List<NpyArray> bx = order == null ? rows(xs, from, to) : take(xs, order, from, to);
        List<NpyArray> by = order == null ? rows(ys, from, to) : take(ys, order, from, to);
        NpyArray bw = sw == null ? null : order == null ? sw.sliceRows(from, to)
            : sw.takeRows(order, from, to);
        Trainer.StepResult r = exclusive(() -> trainer.step(true, bx, by, bw));
        if (!Double.isFinite(r.loss())) {
          // Keras's TerminateOnNaN prints "Batch N: Invalid loss, terminating training" and
          // stops; the library prints nothing itself, so it says so in the exception
          throw new NonFiniteLossException(source + ": epoch " + (epoch + 1) + ", batch " + s
              + ": invalid loss " + r.loss() + ", training stopped (as Keras's TerminateOnNaN)."
              + " The weights were updated by this batch and are not fit to be saved; lower the"
              + " learning rate or check the data", epoch, s, r.loss(), history);
        }
        agg.add(r);
        Map<String, Double> running = agg.result("");
        for (Callback c : o.callbacks) {
          c.onTrainBatchEnd(this, s, running);
        }
        bar.batchEnd(s + 1, steps, running);
      }
      Map<String, Double> logs = agg.result("");
      if (vx != null && vx.get(0).shape()[0] > 0) {
        logs.putAll(evaluate(castInputs(vx), vy, null, o.batchSize, "val_"));
      }
      bar.epochEnd(epoch, o.epochs, logs);
      for (Callback c : o.callbacks) {
        c.onEpochEnd(this, epoch, logs);
      }
      // last, as Keras's History callback: it sees what other callbacks added (learning_rate)
      history.add(epoch, logs);
    }
    return history;
  }

  /** Replaces weight values (by variable path, as {@link #weightValues()} names them). */
  public void setWeightValues(Map<String, NpyArray> values) {
    refuseConcurrentTraining("setWeightValues");
    exclusive(() -> runtime.assign(values));
  }

  /**
   * The model as a neutral {@link ModelSpec}, for the writers: the Keras 3 config it was built
   * from, the current weights by layer in Keras's order, and, when compiled, the compile config
   * and the optimizer's variables.
   */
  public ModelSpec toSpec() {
    return exclusive(this::toSpecLocked);
  }

  private ModelSpec toSpecLocked() {
    if (spec == null || spec.modelConfig() == null) {
      throw new KerasBridgeException(source + ": the model has no Keras config to write");
    }
    if (traces.isEmpty()) {
      // never called (variable-length inputs are traced on first use): the layers are not
      // built, and the weights are still exactly the file's
      if (spec.format() == null) {
        throw new KerasBridgeException(source + ": a model with variable-length inputs must be"
            + " called once (predict or fit) before it can be written");
      }
      return spec;
    }
    ensureWeightsLoaded();
    Map<String, List<ModelSpec.NamedArray>> weights = new LinkedHashMap<>();
    for (Layer l : root.layers()) {
      List<Weight> ws = l.weights();
      if (ws.isEmpty()) {
        continue;
      }
      List<String> paths = new ArrayList<>();
      for (Weight w : ws) {
        paths.add(w.variable().path());
      }
      Map<String, NpyArray> values = runtime.read(paths);
      List<ModelSpec.NamedArray> list = new ArrayList<>();
      for (Weight w : ws) {
        list.add(new ModelSpec.NamedArray(w.name(), values.get(w.variable().path())));
      }
      weights.put(l.name(), list);
    }
    com.fasterxml.jackson.databind.JsonNode compileConfig = null;
    Map<String, NpyArray> optimizerState = Map.of();
    if (trainer != null) {
      compileConfig = compileConfigJson();
      optimizerState = trainer.optimizer().state();
    } else if (spec.compileConfig() != null) {
      compileConfig = spec.compileConfig();
      optimizerState = spec.optimizerVariables();
    }
    return new ModelSpec(spec.source(), spec.format(), spec.kerasVersion(), spec.modelConfig(),
        weights, compileConfig, optimizerState, spec.translations());
  }

  /** Keras 3's {@code compile_config} for the current compile state. */
  private com.fasterxml.jackson.databind.JsonNode compileConfigJson() {
    var f = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance;
    var c = f.objectNode();
    var opt = f.objectNode();
    opt.put("module", "keras.optimizers");
    opt.put("class_name", trainer.optimizer().className());
    opt.set("config", trainer.optimizer().config());
    opt.putNull("registered_name");
    c.set("optimizer", opt);
    if (trainer.losses().size() == 1 || trainer.losses().stream().distinct().count() == 1) {
      c.set("loss", trainer.losses().get(0).toConfig());
    } else {
      var arr = f.arrayNode();
      trainer.losses().forEach(l -> arr.add(l.toConfig()));
      c.set("loss", arr);
    }
    c.putNull("loss_weights");
    if (trainer.metricNames().isEmpty()) {
      c.putNull("metrics");
    } else {
      var arr = f.arrayNode();
      trainer.metricNames().forEach(arr::add);
      c.set("metrics", arr);
    }
    c.putNull("weighted_metrics");
    c.put("run_eagerly", false);
    c.put("steps_per_execution", 1);
    c.put("jit_compile", false);
    return c;
  }

  /** The file this model was read from (or a description of where it came from). */
  public String source() {
    return source;
  }

  /** Sets every stateful layer's state back to zeros. */
  public void resetStates() {
    exclusive(this::resetStatesLocked);
  }

  private void resetStatesLocked() {
    List<Op> ops = new ArrayList<>();
    for (StatefulLayer s : root.statefulLayers()) {
      ops.addAll(s.resetOps());
    }
    if (!ops.isEmpty()) {
      runtime.run(Map.of(), List.of(), ops);
    }
  }

  @Override
  public List<NpyArray> predict(List<NpyArray> xs, int batchSize) {
    return run(xs, batchSize, null);
  }

  /**
   * The outputs of the named layers (their first call, first output) for these inputs: what a
   * Keras sub-model {@code Model(inputs, layer.output)} would predict, e.g. an autoencoder's code.
   */
  public List<NpyArray> predictLayers(List<NpyArray> xs, int batchSize, String... layerNames) {
    return run(xs, batchSize, List.of(layerNames));
  }

  private List<NpyArray> run(List<NpyArray> xs, int batchSize, List<String> layerNames) {
    if (batchSize < 1) {
      throw new InvalidInputException("batch size must be >= 1, got " + batchSize);
    }
    List<NpyArray> cast = castInputs(xs);
    long rows = cast.get(0).shape()[0];
    long fixedBatch = fixedBatchSize();
    int step = fixedBatch > 0 ? (int) fixedBatch : batchSize;
    List<long[]> shapes = new ArrayList<>();
    for (NpyArray a : cast) {
      long[] sh = a.shape();
      sh[0] = fixedBatch > 0 ? fixedBatch : -1;
      shapes.add(sh);
    }
    Trace cached = shared(() -> traces.get(key(shapes)));
    Trace t = cached != null && weightsLoaded ? cached : exclusive(() -> {
      Trace tr = trace(shapes);
      ensureWeightsLoaded();
      return tr;
    });
    List<Operand<TFloat32>> fetches = t.outputs();
    if (layerNames != null) {
      fetches = new ArrayList<>();
      for (String n : layerNames) {
        Operand<TFloat32> o = t.layerOutputs().get(n);
        if (o == null) {
          throw new InvalidInputException(source + ": no layer '" + n + "' with an output; layers: "
              + t.layerOutputs().keySet());
        }
        fetches.add(o);
      }
    }
    List<Operand<TFloat32>> fetched = fetches;
    // before TF allocates: the largest layer output of one batch, and all outputs on the heap
    t.largest().check(source, Math.min(step, Math.max(rows, 1)), "predict");
    long outBytes = layerNames == null ? t.outputBytesPerSample()
        : outputBytesPerSample(fetched);
    long need = outBytes < 0 ? -1 : ActivationMemory.multiply(outBytes, rows);
    if (need < 0 || need > ActivationMemory.TRIVIAL) {
      org.kerasbridge.MemoryLimit.checkHeap(need, source + ": predict: the outputs of " + rows
          + " samples");
    }
    java.util.function.Supplier<List<NpyArray>> work = () -> NpyArray.inBatches(cast, step,
        batch -> {
          Map<Operand<?>, NpyArray> feeds = new LinkedHashMap<>();
          for (int i = 0; i < batch.size(); i++) {
            feeds.put(t.inputs().get(i), batch.get(i));
          }
          return runtime.run(feeds, fetched, t.updates());
        });
    // a stateful layer's every call moves its state: one at a time
    return root.statefulLayers().isEmpty() ? shared(work) : exclusive(work);
  }

  /** Keras's summary: one row per layer with its output shape and parameter count. */
  @Override
  public String summary() {
    return shared(this::summaryLocked);
  }

  private String summaryLocked() {
    Map<String, Shape> shapes = traces.isEmpty() ? Map.of()
        : traces.values().iterator().next().layerShapes();
    List<String[]> rows = new ArrayList<>();
    for (Layer l : root.layers()) {
      String shape;
      if (l instanceof InputLayer il) {
        shape = Shapes.keras(Shape.of(il.batchShape()));
      } else {
        Shape s = shapes.get(l.name());
        shape = s == null ? "?" : Shapes.keras(s);
      }
      rows.add(new String[] {l.name() + " (" + l.className() + ")", shape,
          String.format(Locale.ROOT, "%,d", l.paramCount())});
    }
    long total = 0;
    long trainable = 0;
    for (Weight w : root.weights()) {
      total += w.size();
    }
    for (Weight w : root.trainableWeights()) {
      trainable += w.size();
    }
    int w0 = "Layer (type)".length();
    int w1 = "Output Shape".length();
    int w2 = "Param #".length();
    for (String[] r : rows) {
      w0 = Math.max(w0, r[0].length());
      w1 = Math.max(w1, r[1].length());
      w2 = Math.max(w2, r[2].length());
    }
    String fmt = "%-" + w0 + "s  %-" + w1 + "s  %" + w2 + "s%n";
    String rule = "-".repeat(w0 + w1 + w2 + 4) + "\n";
    StringBuilder b = new StringBuilder();
    b.append("Model: \"").append(root.name()).append("\"\n").append(rule);
    b.append(String.format(Locale.ROOT, fmt, "Layer (type)", "Output Shape", "Param #"));
    b.append(rule.replace('-', '='));
    for (String[] r : rows) {
      b.append(String.format(Locale.ROOT, fmt, (Object[]) r));
    }
    b.append(rule);
    b.append(String.format(Locale.ROOT, " Total params: %,d (%s)%n", total, bytes(total * 4)));
    b.append(String.format(Locale.ROOT, " Trainable params: %,d (%s)%n", trainable,
        bytes(trainable * 4)));
    b.append(String.format(Locale.ROOT, " Non-trainable params: %,d (%s)%n", total - trainable,
        bytes((total - trainable) * 4)));
    return b.toString();
  }

  /** Keras's byte formatting: B, KB, MB, GB with two decimals (1 KB = 1024 B). */
  static String bytes(long n) {
    String[] units = {"B", "KB", "MB", "GB", "TB"};
    double v = n;
    int u = 0;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, "%.2f %s", v, units[u]);
  }

  /** Total number of weight scalars, as Keras's {@code count_params()}. */
  public long countParams() {
    long n = 0;
    for (Weight w : root.weights()) {
      n += w.size();
    }
    return n;
  }

  /** Current weight values by variable path, in Keras's weight order. */
  public Map<String, NpyArray> weightValues() {
    return shared(this::weightValuesLocked);
  }

  private Map<String, NpyArray> weightValuesLocked() {
    List<String> paths = new ArrayList<>();
    for (Weight w : root.weights()) {
      paths.add(w.variable().path());
    }
    return runtime.read(paths);
  }

  @Override
  public void close() {
    lock.writeLock().lock();
    try {
      closed = true;
      runtime.close();
    } finally {
      lock.writeLock().unlock();
    }
  }
}
