package org.kerasbridge.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.kerasbridge.InvalidInputException;
import org.kerasbridge.KerasBridgeException;
import org.kerasbridge.graph.GraphRuntime;
import org.kerasbridge.layers.CallContext;
import org.kerasbridge.layers.Layer;
import org.kerasbridge.layers.Weight;
import org.kerasbridge.losses.Loss;
import org.kerasbridge.metrics.Metric;
import org.kerasbridge.metrics.Metrics;
import org.kerasbridge.ndarray.DType;
import org.kerasbridge.ndarray.NpyArray;
import org.kerasbridge.optimizers.Optimizer;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TType;

/**
 * The compiled state of a model and its train/test step graphs, as Keras 3's Trainer: the total
 * loss is the compiled loss plus every activity loss plus every weight-regularization penalty
 * ({@code Trainer.compute_loss}), gradients are taken with respect to the trainable weights and
 * applied by the optimizer. One step is one session run: feeds in, loss and metric sums out,
 * updates (optimizer, BatchNormalization statistics, RNN state) as targets.
 */
final class Trainer {
  private final KerasModel model;
  private final Optimizer optimizer;
  private final List<Loss> losses;
  private final List<String> metricNames;
  private final Map<String, StepGraph> graphs = new HashMap<>();
  private List<Weight> trainable;

  /** One traced step graph. */
  private record StepGraph(List<Placeholder<?>> x, List<Placeholder<TFloat32>> y,
      Placeholder<TFloat32> sampleWeight, Placeholder<TFloat32> iteration, Operand<TFloat32> loss,
      List<String> metricNames, List<Operand<TFloat32>> metricTotals,
      List<Operand<TFloat32>> metricCounts, List<Op> targets, boolean training,
      ActivationMemory largest) {}

  Trainer(KerasModel model, Optimizer optimizer, List<Loss> losses, List<String> metrics) {
    this.model = model;
    this.optimizer = optimizer;
    int outs = model.outputs().size();
    if (losses.size() == 1 && outs > 1) {
      List<Loss> l = new ArrayList<>();
      for (int i = 0; i < outs; i++) {
        l.add(losses.get(0));
      }
      losses = l;
    }
    if (losses.size() != outs) {
      throw new InvalidInputException("the model has " + outs + " outputs but " + losses.size()
          + " losses were given");
    }
    this.losses = List.copyOf(losses);
    this.metricNames = List.copyOf(metrics);
  }

  Optimizer optimizer() {
    return optimizer;
  }

  List<Loss> losses() {
    return losses;
  }

  List<String> metricNames() {
    return metricNames;
  }

  /** The result of one batch: the loss, and each metric's weighted total and count. */
  record StepResult(double loss, long batchSize, Map<String, double[]> metrics) {}

  StepResult step(boolean training, List<NpyArray> xs, List<NpyArray> ys, NpyArray sampleWeight) {
    List<NpyArray> x = model.castInputs(xs);
    if (ys.size() != losses.size()) {
      throw new InvalidInputException("the model has " + losses.size() + " output(s); got "
          + ys.size() + " target array(s)");
    }
    long rows = x.get(0).shape()[0];
    List<NpyArray> y = new ArrayList<>();
    for (NpyArray a : ys) {
      if (a.rank() == 0 || a.shape()[0] != rows) {
        throw new InvalidInputException("targets " + a + " do not have the " + rows
            + " rows of the inputs");
      }
      y.add(a.castTo(DType.FLOAT32));
    }
    NpyArray sw = sampleWeight == null ? null : sampleWeight.castTo(DType.FLOAT32);
    if (sw != null && (sw.rank() == 0 || sw.shape()[0] != rows)) {
      throw new InvalidInputException("sample weights " + sw + " do not have " + rows + " rows");
    }
    StepGraph g = graph(training, x, y, sw);
    g.largest().check(model.source(), rows, training ? "a training step" : "an evaluation step");
    Map<Operand<?>, NpyArray> feeds = new LinkedHashMap<>();
    for (int i = 0; i < x.size(); i++) {
      feeds.put(g.x().get(i), x.get(i));
    }
    for (int i = 0; i < y.size(); i++) {
      feeds.put(g.y().get(i), y.get(i));
    }
    if (sw != null) {
      feeds.put(g.sampleWeight(), sw);
    }
    if (training) {
      feeds.put(g.iteration(), NpyArray.ofFloats(new long[0], optimizer.iterations()));
    }
    List<Operand<?>> fetches = new ArrayList<>();
    fetches.add(g.loss());
    fetches.addAll(g.metricTotals());
    fetches.addAll(g.metricCounts());
    List<NpyArray> out = model.runtime().run(feeds, fetches, g.targets());
    if (training) {
      optimizer.incrementIterations();
    }
    Map<String, double[]> metrics = new LinkedHashMap<>();
    int m = g.metricNames().size();
    for (int i = 0; i < m; i++) {
      metrics.put(g.metricNames().get(i), new double[] {out.get(1 + i).getDouble(0),
          out.get(1 + m + i).getDouble(0)});
    }
    return new StepResult(out.get(0).getDouble(0), rows, metrics);
  }

  /** Builds the training graph (and so the optimizer's slots) without taking a step. */
  void buildTrainGraph(List<NpyArray> x, List<NpyArray> ys) {
    List<NpyArray> y = new ArrayList<>();
    for (NpyArray a : ys) {
      y.add(a.castTo(DType.FLOAT32));
    }
    graph(true, x, y, null);
  }

  private StepGraph graph(boolean training, List<NpyArray> x, List<NpyArray> y, NpyArray sw) {
    StringBuilder k = new StringBuilder(training ? "train" : "test").append(sw == null ? ""
        : "+sw" + Arrays.toString(Arrays.copyOfRange(sw.shape(), 1, sw.rank())));
    for (NpyArray a : x) {
      k.append(Arrays.toString(Arrays.copyOfRange(a.shape(), 1, a.rank())));
    }
    for (NpyArray a : y) {
      k.append('|').append(Arrays.toString(Arrays.copyOfRange(a.shape(), 1, a.rank())));
    }
    StepGraph g = graphs.get(k.toString());
    if (g == null) {
      try {
        g = build(training, x, y, sw);
      } catch (RuntimeException e) {
        // shape inference errors while adding ops, e.g. targets that do not fit the outputs
        if (org.kerasbridge.graph.TfErrors.isTensorFlowError(e)) {
          throw org.kerasbridge.graph.TfErrors.wrap(model.source() + ": TensorFlow rejected the"
              + (training ? " training" : " evaluation") + " graph for inputs " + x + " and"
              + " targets " + y, e);
        }
        throw e;
      }
      graphs.put(k.toString(), g);
    }
    return g;
  }

  private StepGraph build(boolean training, List<NpyArray> xs, List<NpyArray> ys,
      NpyArray swArray) {
    GraphRuntime rt = model.runtime();
    Ops tf = rt.tf().withSubScope(training ? "train_step" : "test_step");
    long fixedBatch = model.fixedBatchSize();
    List<Placeholder<?>> x = new ArrayList<>();
    List<Operand<? extends TType>> ins = new ArrayList<>();
    for (int i = 0; i < xs.size(); i++) {
      long[] s = xs.get(i).shape();
      s[0] = fixedBatch > 0 ? fixedBatch : -1;
      Placeholder<?> p = tf.withName("x" + i).placeholder(xs.get(i).dtype().tensorType(),
          Placeholder.shape(Shape.of(s)));
      x.add(p);
      ins.add(p);
    }
    List<Placeholder<TFloat32>> y = new ArrayList<>();
    for (int i = 0; i < ys.size(); i++) {
      long[] s = ys.get(i).shape();
      s[0] = fixedBatch > 0 ? fixedBatch : -1;
      y.add(tf.withName("y" + i).placeholder(TFloat32.class, Placeholder.shape(Shape.of(s))));
    }
    Placeholder<TFloat32> sw = null;
    if (swArray != null) {
      long[] s = swArray.shape();
      s[0] = fixedBatch > 0 ? fixedBatch : -1;
      sw = tf.withName("sample_weight").placeholder(TFloat32.class,
          Placeholder.shape(Shape.of(s)));
    }
    Placeholder<TFloat32> iteration = tf.withName("iteration").placeholder(TFloat32.class,
        Placeholder.shape(Shape.scalar()));
    CallContext ctx = new CallContext(rt, training, 1);
    Functional.Traced traced = model.root().trace(tf, ins, null, ctx);
    ActivationMemory largest = ActivationMemory.of(traced.layerOutputShapes(),
        model.halfPrecisionLayers().isEmpty() ? 4 : 2);
    model.ensureWeightsLoaded();
    // Keras's losses and metrics convert predictions to float32 (their dtype) first
    List<Operand<TFloat32>> preds = new ArrayList<>();
    for (Operand<TFloat32> o : traced.outputs()) {
      preds.add(org.kerasbridge.layers.DTypePolicy.cast(tf, o, TFloat32.class));
    }

    // Trainer.compute_loss: compiled loss(es), then layer losses, then weight penalties.
    List<Operand<TFloat32>> parts = new ArrayList<>();
    Operand<TFloat32> compiled = null;
    for (int i = 0; i < losses.size(); i++) {
      Operand<TFloat32> l = losses.get(i).call(tf, y.get(i), preds.get(i), sw);
      compiled = compiled == null ? l : tf.math.add(compiled, l);
    }
    parts.add(compiled);
    for (Operand<TFloat32> l : ctx.losses()) {
      parts.add(l);
    }
    for (Layer.RegularizedWeight rw : model.root().regularizedWeights()) {
      if (rw.weight().trainable() && isTrainable(rw.weight())) {
        parts.add(rw.regularizer().penalty(tf, rw.weight().value()));
      }
    }
    Operand<TFloat32> loss = parts.size() == 1 ? parts.get(0)
        : tf.reduceSum(tf.stack(parts), tf.constant(0));

    List<String> names = new ArrayList<>();
    List<Operand<TFloat32>> totals = new ArrayList<>();
    List<Operand<TFloat32>> counts = new ArrayList<>();
    for (int i = 0; i < losses.size(); i++) {
      String prefix = losses.size() > 1 ? model.outputs().get(i).name() + "_" : "";
      for (String mn : metricNames) {
        Metric m = Metrics.get(mn, y.get(i).shape(), preds.get(i).shape());
        Operand<TFloat32> v = m.fn().apply(tf, y.get(i), preds.get(i));
        Operand<TFloat32> w = sw == null ? tf.onesLike(v) : broadcastWeights(tf, sw, v);
        totals.add(tf.reduceSum(tf.math.mul(v, w), allAxes(tf, v)));
        counts.add(tf.reduceSum(w, allAxes(tf, w)));
        names.add(prefix + m.name());
      }
    }

    List<Op> targets = new ArrayList<>(ctx.updates());
    if (training) {
      if (trainable == null) {
        // a model without trainable weights still "trains" in Keras: the loss is computed, and
        // only state (BatchNormalization statistics, RNN state) and the iteration count change
        trainable = model.root().trainableWeights();
        optimizer.build(rt, trainable);
      }
      List<Operand<?>> vars = new ArrayList<>();
      for (Weight w : trainable) {
        vars.add(w.value());
      }
      if (trainable.isEmpty()) {
        return new StepGraph(x, y, sw, iteration, loss, names, totals, counts, targets, training,
            largest);
      }
      org.kerasbridge.graph.Gradients.register();
      org.tensorflow.op.core.Gradients grads = tf.gradients(loss, vars);
      List<Operand<TFloat32>> g = new ArrayList<>();
      for (int i = 0; i < vars.size(); i++) {
        Output<?> d = grads.dy(i);
        if (d == null || d.op() == null) {
          throw new KerasBridgeException("weight " + trainable.get(i).path() + " receives no"
              + " gradient from the loss; freeze it (trainable=false) to train the rest");
        }
        @SuppressWarnings("unchecked")
        Operand<TFloat32> gi = (Operand<TFloat32>) d;
        g.add(gi);
      }
      targets.addAll(optimizer.applyGradients(tf, g, iteration));
    }
    return new StepGraph(x, y, sw, iteration, loss, names, totals, counts, targets, training,
        largest);
  }

  private boolean isTrainable(Weight w) {
    return model.root().trainableWeights().contains(w);
  }

  private static Operand<TFloat32> broadcastWeights(Ops tf, Operand<TFloat32> sw,
      Operand<TFloat32> v) {
    Operand<TFloat32> w = sw;
    int rv = v.shape().numDimensions();
    int rw = Math.max(1, sw.shape().numDimensions());
    for (int i = rw; i < rv; i++) {
      w = tf.expandDims(w, tf.constant(-1));
    }
    return tf.math.mul(tf.onesLike(v), w);
  }

  private static Operand<org.tensorflow.types.TInt32> allAxes(Ops tf, Operand<?> x) {
    return tf.range(tf.constant(0), tf.rank(x), tf.constant(1));
  }
}
