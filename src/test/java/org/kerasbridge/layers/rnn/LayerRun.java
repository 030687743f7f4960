package org.kerasbridge.layers.rnn;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.kerasbridge.graph.Device;
import org.kerasbridge.graph.GraphRuntime;
import org.kerasbridge.layers.CallContext;
import org.kerasbridge.layers.Layer;
import org.kerasbridge.layers.StatefulLayer;
import org.kerasbridge.layers.Weight;
import org.kerasbridge.ndarray.DType;
import org.kerasbridge.ndarray.NpyArray;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TType;

/**
 * One layer traced on a placeholder of a given static shape (batch may be fixed, for stateful
 * layers), with an optional 0/1 mask input, and run any number of times; each run also runs the
 * call's state updates, as a model's predict does.
 */
final class LayerRun implements AutoCloseable {
  final GraphRuntime rt;
  final Layer layer;
  final CallContext ctx;
  private final Placeholder<? extends TType> x;
  private final Placeholder<TFloat32> mask;
  private final List<Operand<TFloat32>> outs;
  private final List<Operand<TBool>> outMasks;

  LayerRun(Layer layer, long[] inputShape, boolean withMask, boolean training) {
    this(layer, inputShape, DType.FLOAT32, withMask, training);
  }

  LayerRun(Layer layer, long[] inputShape, DType inputType, boolean withMask,
      boolean training) {
    this.layer = layer;
    rt = new GraphRuntime(Device.CPU);
    Ops tf = rt.tf();
    x = tf.placeholder(inputType.tensorType(), Placeholder.shape(Shape.of(inputShape)));
    List<Operand<TBool>> inMasks = new ArrayList<>();
    if (withMask) {
      mask = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(inputShape[0],
          inputShape[1])));
      inMasks.add(tf.math.greater(mask, tf.constant(0.5f)));
    } else {
      mask = null;
    }
    ctx = new CallContext(rt, training, 5);
    ctx.setMasks(inMasks);
    outs = layer.apply(tf, List.of(x), ctx);
    outMasks = layer.computeMask(tf, List.of(x), inMasks, outs.size());
  }

  /** Random weights in [-0.6, 0.6), reproducible from {@code seed}; returns them in order. */
  List<NpyArray> randomWeights(long seed) {
    Random r = new Random(seed);
    List<NpyArray> values = new ArrayList<>();
    for (Weight w : layer.weights()) {
      float[] v = new float[(int) w.size()];
      for (int i = 0; i < v.length; i++) {
        v[i] = (float) (r.nextDouble() * 1.2 - 0.6);
      }
      values.add(NpyArray.ofFloats(w.shape(), v));
    }
    setWeights(values);
    return values;
  }

  void setWeights(List<NpyArray> values) {
    Map<String, NpyArray> m = new LinkedHashMap<>();
    List<Weight> ws = layer.weights();
    for (int i = 0; i < ws.size(); i++) {
      m.put(ws.get(i).variable().path(), values.get(i));
    }
    rt.assign(m);
    reset();
  }

  /** Runs the layer's reset ops (zero state) if it has any. */
  void reset() {
    if (layer instanceof StatefulLayer s && !s.resetOps().isEmpty()) {
      rt.run(Map.of(), List.of(), s.resetOps());
    }
  }

  List<NpyArray> run(NpyArray input) {
    return run(input, null);
  }

  List<NpyArray> run(NpyArray input, NpyArray mask01) {
    Map<Operand<?>, NpyArray> feeds = new LinkedHashMap<>();
    feeds.put(x, input);
    if (mask != null) {
      feeds.put(mask, mask01);
    }
    List<Op> updates = ctx.updates();
    return rt.run(feeds, outs, updates);
  }

  /** The output masks as 0/1 floats (null where there is none). */
  List<NpyArray> masks(NpyArray input, NpyArray mask01) {
    Map<Operand<?>, NpyArray> feeds = new LinkedHashMap<>();
    feeds.put(x, input);
    if (mask != null) {
      feeds.put(mask, mask01);
    }
    List<Operand<?>> fetches = new ArrayList<>();
    for (Operand<TBool> m : outMasks) {
      if (m != null) {
        fetches.add(rt.tf().dtypes.cast(m, TFloat32.class));
      }
    }
    List<NpyArray> got = fetches.isEmpty() ? List.of() : rt.run(feeds, fetches, List.of());
    List<NpyArray> out = new ArrayList<>();
    int k = 0;
    for (Operand<TBool> m : outMasks) {
      out.add(m == null ? null : got.get(k++));
    }
    return out;
  }

  @Override
  public void close() {
    rt.close();
  }
}
