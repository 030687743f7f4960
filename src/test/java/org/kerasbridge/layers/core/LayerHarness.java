package org.kerasbridge.layers.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.kerasbridge.graph.Device;
import org.kerasbridge.graph.GraphRuntime;
import org.kerasbridge.io.LayerRegistry;
import org.kerasbridge.layers.CallContext;
import org.kerasbridge.layers.Layer;
import org.kerasbridge.layers.Problems;
import org.kerasbridge.layers.Weight;
import org.kerasbridge.ndarray.NpyArray;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TType;

/**
 * Runs one layer outside a model, for layer tests: the layer is created from its Keras config
 * through the registry, called on placeholders with an unknown batch dimension, with optional
 * input masks (given as 0/1 float arrays) and weights, in inference or training mode.
 */
public final class LayerHarness {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * What one call produced.
   *
   * @param outputs the layer's outputs
   * @param masks the output masks as 0/1 float arrays (null entries where there is none)
   * @param weightsAfter every weight by its path after the call's state updates ran
   * @param losses the losses the call added (activity regularization)
   * @param staticShapes the static shapes of the outputs in the graph
   */
  public record Result(List<NpyArray> outputs, List<NpyArray> masks,
      Map<String, NpyArray> weightsAfter, List<NpyArray> losses, List<Shape> staticShapes) {
    public NpyArray output() {
      return outputs.get(0);
    }
  }

  private LayerHarness() {}

  /** Parses a JSON object literal (single quotes allowed for readability). */
  public static ObjectNode json(String text) {
    try {
      return (ObjectNode) JSON.readTree(text.replace('\'', '"'));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Creates a layer; fails with every problem the config has. */
  public static Layer create(String className, String configJson) {
    return create(className, json(configJson), "3.15.1");
  }

  /** Creates a layer as a file of the given {@code keras_version} would. */
  public static Layer create(String className, JsonNode config, String kerasVersion) {
    Problems p = new Problems("<test>");
    ObjectNode node = JSON.createObjectNode();
    node.put("class_name", className);
    node.set("config", config);
    Layer l = LayerRegistry.create(node, LayerRegistry.context(p, kerasVersion));
    p.throwIfAny();
    return l;
  }

  /** The problems reported while creating the layer (empty when it is supported). */
  public static List<String> problems(String className, String configJson, String kerasVersion) {
    Problems p = new Problems("<test>");
    ObjectNode node = JSON.createObjectNode();
    node.put("class_name", className);
    node.set("config", json(configJson));
    LayerRegistry.create(node, LayerRegistry.context(p, kerasVersion));
    return p.items();
  }

  public static Result run(Layer layer, List<NpyArray> inputs) {
    return run(layer, inputs, null, List.of(), false);
  }

  /**
   * Calls {@code layer} once.
   *
   * @param masks null, or one entry per input: null or a 0/1 float mask
   * @param weights values for {@code layer.weights()} in order (empty: none to assign)
   */
  @SuppressWarnings("unchecked")
  public static Result run(Layer layer, List<NpyArray> inputs, List<NpyArray> masks,
      List<NpyArray> weights, boolean training) {
    try (GraphRuntime rt = new GraphRuntime(Device.CPU)) {
      Ops tf = rt.tf();
      Map<Operand<?>, NpyArray> feeds = new LinkedHashMap<>();
      List<Operand<? extends TType>> ins = new ArrayList<>();
      for (NpyArray a : inputs) {
        long[] s = a.shape();
        s[0] = -1;
        Placeholder<TFloat32> p = tf.placeholder(TFloat32.class,
            Placeholder.shape(Shape.of(s)));
        feeds.put(p, a);
        ins.add(p);
      }
      List<Operand<TBool>> inMasks = new ArrayList<>();
      for (int i = 0; masks != null && i < masks.size(); i++) {
        NpyArray m = masks.get(i);
        if (m == null) {
          inMasks.add(null);
          continue;
        }
        long[] s = m.shape();
        s[0] = -1;
        Placeholder<TFloat32> p = tf.placeholder(TFloat32.class,
            Placeholder.shape(Shape.of(s)));
        feeds.put(p, m);
        inMasks.add(tf.math.greater(p, tf.constant(0.5f)));
      }
      CallContext ctx = new CallContext(rt, training, 0);
      ctx.setMasks(inMasks);
      List<Operand<TFloat32>> outs = layer.apply(tf, ins, ctx);
      List<Operand<TBool>> outMasks = layer.computeMask(tf, ins, inMasks, outs.size());
      List<Weight> ws = layer.weights();
      if (!weights.isEmpty()) {
        Map<String, NpyArray> values = new LinkedHashMap<>();
        for (int i = 0; i < ws.size(); i++) {
          values.put(ws.get(i).variable().path(), weights.get(i));
        }
        rt.assign(values);
      }
      List<Operand<?>> fetches = new ArrayList<>(outs);
      List<Integer> maskIndex = new ArrayList<>();
      for (Operand<TBool> m : outMasks) {
        if (m == null) {
          maskIndex.add(-1);
        } else {
          maskIndex.add(fetches.size());
          fetches.add(tf.dtypes.cast(m, TFloat32.class));
        }
      }
      int lossStart = fetches.size();
      fetches.addAll(ctx.losses());
      List<NpyArray> got = rt.run(feeds, fetches, ctx.updates());
      List<NpyArray> outVals = new ArrayList<>(got.subList(0, outs.size()));
      List<NpyArray> maskVals = new ArrayList<>();
      for (int k : maskIndex) {
        maskVals.add(k < 0 ? null : got.get(k));
      }
      List<String> paths = ws.stream().map(w -> w.variable().path()).toList();
      Map<String, NpyArray> after = weights.isEmpty() ? Map.of() : rt.read(paths);
      List<Shape> shapes = outs.stream().map(Operand::shape).toList();
      return new Result(outVals, maskVals, after,
          new ArrayList<>(got.subList(lossStart, got.size())), shapes);
    }
  }

  /** Floats drawn uniformly from {@code [lo, hi)} with a fixed seed. */
  public static NpyArray random(long seed, double lo, double hi, long... shape) {
    java.util.Random r = new java.util.Random(seed);
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    float[] v = new float[Math.toIntExact(n)];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (lo + (hi - lo) * r.nextDouble());
    }
    return NpyArray.ofFloats(shape, v);
  }

  /** A 0/1 float mask drawn with a fixed seed; {@code p} is the chance of a 1. */
  public static NpyArray randomMask(long seed, double p, long... shape) {
    NpyArray u = random(seed, 0, 1, shape);
    float[] v = u.toFloatArray();
    for (int i = 0; i < v.length; i++) {
      v[i] = v[i] < p ? 1f : 0f;
    }
    return NpyArray.ofFloats(shape, v);
  }

  /** Asserts {@code |actual - expected| <= atol} everywhere and equal shapes. */
  public static void assertClose(long[] shape, float[] expected, NpyArray actual, double atol) {
    assertClose(NpyArray.ofFloats(shape, expected), actual, atol);
  }

  /** Asserts {@code |actual - expected| <= atol} everywhere and equal shapes. */
  public static void assertClose(NpyArray expected, NpyArray actual, double atol) {
    org.junit.jupiter.api.Assertions.assertArrayEquals(expected.shape(), actual.shape(),
        "shape");
    float[] e = expected.castTo(org.kerasbridge.ndarray.DType.FLOAT32).toFloatArray();
    float[] a = actual.toFloatArray();
    double max = 0;
    int at = -1;
    for (int i = 0; i < e.length; i++) {
      double d = Math.abs((double) e[i] - a[i]);
      if (Double.isNaN(d) && !(Float.isNaN(e[i]) && Float.isNaN(a[i]))) {
        org.junit.jupiter.api.Assertions.fail("NaN mismatch at flat index " + i + " (expected "
            + e[i] + ", got " + a[i] + ")");
      }
      if (d > max) {
        max = d;
        at = i;
      }
    }
    if (max > atol) {
      org.junit.jupiter.api.Assertions.fail("max |diff| " + max + " at flat index " + at
          + " (expected " + e[at] + ", got " + a[at] + ") exceeds " + atol);
    }
  }
}
