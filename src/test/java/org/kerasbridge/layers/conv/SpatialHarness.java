package org.kerasbridge.layers.conv;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.kerasbridge.graph.Device;
import org.kerasbridge.graph.GraphRuntime;
import org.kerasbridge.layers.CallContext;
import org.kerasbridge.layers.Layer;
import org.kerasbridge.layers.Weight;
import org.kerasbridge.ndarray.NpyArray;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TType;

/**
 * Runs one layer on a placeholder of a chosen static shape (-1 for dimensions known only when
 * run), so tests can check that code paths for unknown spatial lengths compute what the static
 * ones do. Weights are drawn from a seeded normal distribution in {@code layer.weights()} order.
 */
public final class SpatialHarness {
  /** The output and its static shape in the graph. */
  public record Out(NpyArray value, Shape staticShape, List<Weight> weights) {}

  private SpatialHarness() {}

  public static NpyArray normal(long seed, long... shape) {
    Random r = new Random(seed);
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    float[] v = new float[Math.toIntExact(n)];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) r.nextGaussian();
    }
    return NpyArray.ofFloats(shape, v);
  }

  /** Calls {@code layer} on {@code x} fed through a placeholder of {@code placeholderShape}. */
  public static Out run(Layer layer, NpyArray x, long[] placeholderShape, long weightSeed) {
    try (GraphRuntime rt = new GraphRuntime(Device.CPU)) {
      Ops tf = rt.tf();
      Placeholder<TFloat32> p = tf.placeholder(TFloat32.class,
          Placeholder.shape(Shape.of(placeholderShape)));
      CallContext ctx = new CallContext(rt, false, 0);
      List<Operand<? extends TType>> ins = new ArrayList<>();
      ins.add(p);
      Operand<TFloat32> y = layer.apply(tf, ins, ctx).get(0);
      Map<String, NpyArray> values = new LinkedHashMap<>();
      long seed = weightSeed;
      for (Weight w : layer.weights()) {
        values.put(w.variable().path(), normal(seed++, w.shape()));
      }
      if (!values.isEmpty()) {
        rt.assign(values);
      }
      Map<Operand<?>, NpyArray> feeds = new LinkedHashMap<>();
      feeds.put(p, x);
      NpyArray out = rt.run(feeds, List.of(y), List.of()).get(0);
      return new Out(out, y.shape(), layer.weights());
    }
  }

  /**
   * The gradients of {@code sum(y * y)} with respect to each weight of {@code layer} (in
   * {@code weights()} order) and then to the input {@code x}, as a training step would need them.
   */
  public static List<NpyArray> gradients(Layer layer, NpyArray x, long weightSeed) {
    try (GraphRuntime rt = new GraphRuntime(Device.CPU)) {
      Ops tf = rt.tf();
      Placeholder<TFloat32> p = tf.placeholder(TFloat32.class,
          Placeholder.shape(Shape.of(batchUnknown(x.shape()))));
      CallContext ctx = new CallContext(rt, true, 0);
      List<Operand<? extends TType>> ins = new ArrayList<>();
      ins.add(p);
      Operand<TFloat32> y = layer.apply(tf, ins, ctx).get(0);
      int rank = y.shape().numDimensions();
      int[] axes = new int[rank];
      for (int i = 0; i < rank; i++) {
        axes[i] = i;
      }
      Operand<TFloat32> loss = tf.sum(tf.math.square(y), tf.constant(axes));
      List<Operand<?>> wrt = new ArrayList<>();
      Map<String, NpyArray> values = new LinkedHashMap<>();
      long seed = weightSeed;
      for (Weight w : layer.weights()) {
        wrt.add(w.value());
        values.put(w.variable().path(), normal(seed++, w.shape()));
      }
      wrt.add(p);
      if (!values.isEmpty()) {
        rt.assign(values);
      }
      org.tensorflow.op.core.Gradients g = tf.gradients(loss, wrt);
      List<Operand<?>> fetches = new ArrayList<>();
      for (int i = 0; i < wrt.size(); i++) {
        fetches.add(g.dy(i));
      }
      Map<Operand<?>, NpyArray> feeds = new LinkedHashMap<>();
      feeds.put(p, x);
      return rt.run(feeds, fetches, List.of());
    }
  }

  /** {@code shape} with the batch dimension unknown. */
  public static long[] batchUnknown(long[] shape) {
    long[] s = shape.clone();
    s[0] = -1;
    return s;
  }

  /** {@code shape} with every dimension unknown except the channel axis {@code keep}. */
  public static long[] allUnknownBut(long[] shape, int keep) {
    long[] s = new long[shape.length];
    for (int i = 0; i < s.length; i++) {
      s[i] = i == keep ? shape[i] : -1;
    }
    return s;
  }
}
