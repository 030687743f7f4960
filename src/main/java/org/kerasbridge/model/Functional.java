package org.kerasbridge.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.kerasbridge.KerasBridgeException;
import org.kerasbridge.layers.CallContext;
import org.kerasbridge.layers.Layer;
import org.kerasbridge.layers.LayerConfig;
import org.kerasbridge.layers.LayerContext;
import org.kerasbridge.layers.StatefulLayer;
import org.kerasbridge.layers.TensorRef;
import org.kerasbridge.layers.Weight;
import org.kerasbridge.layers.core.InputLayer;
import org.kerasbridge.layers.rnn.InitialStates;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TType;

/**
 * A Keras Functional or Sequential model: a graph of layer calls. It is itself a layer, so a
 * model can be nested in another one. A Sequential model is the chain of its layers.
 *
 * <p>Reads Keras 3's config schema: {@code layers} (each with {@code inbound_nodes} of
 * {@code {"args": [...], "kwargs": {...}}} where tensors appear as {@code __keras_tensor__} with
 * a {@code keras_history} of {@code [layer, node, tensor]}), {@code input_layers} and
 * {@code output_layers} as lists of such triples.
 */
public final class Functional extends Layer {
  /**
   * One call of a layer: the tensors it consumed, its positional args as recorded (tensors and
   * constants), and the tensors passed as its {@code mask} keyword (Keras 3 records explicit
   * masks when a Functional graph carries them through Keras ops).
   */
  record Node(Layer layer, int index, List<TensorRef> inputs, JsonNode args,
      List<TensorRef> maskInputs, boolean unmaskedCall) {}

  private final boolean sequential;
  private final List<Layer> layers = new ArrayList<>();
  private final List<Node> nodes = new ArrayList<>();
  private final List<TensorRef> inputs = new ArrayList<>();
  private final List<TensorRef> outputs = new ArrayList<>();
  private final List<InputLayer> inputLayers = new ArrayList<>();
  private final java.util.Set<String> keras3Conflicts = new java.util.LinkedHashSet<>();

  private Functional(LayerConfig c, LayerContext ctx, boolean nested) {
    super(c);
    sequential = c.className().equals("Sequential");
    JsonNode layerNodes = c.node("layers");
    if (layerNodes == null || !layerNodes.isArray()) {
      c.unsupported("its config has no 'layers' list");
      c.finish();
      return;
    }
    Map<String, Layer> byName = new HashMap<>();
    List<JsonNode> configs = new ArrayList<>();
    for (JsonNode ln : layerNodes) {
      Layer l = ctx.create(ln);
      configs.add(ln);
      if (l == null) {
        continue; // reported by the registry
      }
      if (nested) {
        l.setPathPrefix(name() + "/" + l.pathPrefix());
      }
      if (byName.put(l.name(), l) != null) {
        c.unsupported("two layers are named '" + l.name() + "'");
      }
      layers.add(l);
    }
    if (sequential) {
      readSequential(c);
    } else {
      readFunctional(c, configs, byName);
    }
    c.finish();
  }

  /** Creates a model (top-level or nested) from its layer config. */
  public static Functional fromConfig(LayerConfig c, LayerContext ctx) {
    return new Functional(c, ctx, true);
  }

  /** Creates the top-level model of a file: its layers' paths are not prefixed. */
  public static Functional topLevel(JsonNode modelConfig, LayerContext ctx) {
    String cls = modelConfig.path("class_name").asText("");
    if (!cls.equals("Sequential") && !cls.equals("Functional") && !cls.equals("Model")) {
      ctx.problems().add("the model's class is '" + cls + "'; only Sequential and Functional"
          + " models can be loaded (a subclassed model has no config to rebuild it from)");
      return null;
    }
    LayerConfig c = new LayerConfig(cls, modelConfig.path("config"), ctx.problems(),
        ctx.kerasVersion());
    return new Functional(c, ctx, false);
  }

  private void readSequential(LayerConfig c) {
    long[] buildShape = c.getShape("build_input_shape");
    List<Layer> chain = new ArrayList<>(layers);
    InputLayer in;
    if (!chain.isEmpty() && chain.get(0) instanceof InputLayer il) {
      in = il;
      chain.remove(0);
    } else {
      long[] shape = buildShape;
      if (shape == null && !chain.isEmpty()) {
        ObjectNode first = chain.get(0).config().raw();
        shape = readShape(first.get("batch_shape"));
        if (shape == null) {
          shape = readShape(first.get("batch_input_shape"));
        }
      }
      if (shape == null) {
        c.unsupported("the Sequential model declares no input shape (no InputLayer,"
            + " build_input_shape or batch_input_shape)");
        return;
      }
      ObjectNode ic = JsonNodeFactory.instance.objectNode();
      ic.put("name", name() + "_input");
      ic.set("batch_shape", shapeNode(shape));
      ic.put("dtype", "float32");
      in = new InputLayer(new LayerConfig("InputLayer", ic, c.problems(), c.kerasVersion()));
      layers.add(0, in);
    }
    inputLayers.add(in);
    TensorRef prev = new TensorRef(in.name(), 0, 0);
    inputs.add(prev);
    for (Layer l : chain) {
      if (l instanceof InputLayer) {
        c.unsupported("an InputLayer in the middle of a Sequential model");
        continue;
      }
      nodes.add(new Node(l, 0, List.of(prev), null, List.of(), false));
      prev = new TensorRef(l.name(), 0, 0);
    }
    outputs.add(prev);
  }

  private void readFunctional(LayerConfig c, List<JsonNode> configs, Map<String, Layer> byName) {
    for (JsonNode ln : configs) {
      String lname = ln.path("config").path("name").asText(ln.path("name").asText());
      Layer l = byName.get(lname);
      if (l == null) {
        continue;
      }
      if (l instanceof InputLayer il) {
        continue;
      }
      int k = 0;
      for (JsonNode node : ln.path("inbound_nodes")) {
        List<TensorRef> refs = new ArrayList<>();
        collectTensors(node.path("args"), refs, c);
        JsonNode constant = l.takesConstantArguments() ? null : firstConstant(node.path("args"));
        if (constant != null) {
          // a layer call takes tensors; dropping the constant would compute something else
          c.unsupported("layer '" + lname + "' (" + l.className() + ") is called with the"
              + " constant " + abbreviate(constant) + " among its positional arguments, which"
              + " the layer does not take (a Keras op saved without its module?)");
        }
        JsonNode kwargs = node.path("kwargs");
        List<TensorRef> maskRefs = new ArrayList<>();
        boolean tensorKwargs = false;
        for (var it = kwargs.fields(); it.hasNext(); ) {
          var e = it.next();
          List<TensorRef> kwTensors = new ArrayList<>();
          collectTensors(e.getValue(), kwTensors, c);
          if (e.getKey().equals("mask")) {
            maskRefs.addAll(kwTensors);
            continue;
          }
          if (e.getKey().equals("initial_state") && l instanceof InitialStates) {
            // Keras 3's rnn(x, initial_state=[h, c]) is Keras 2's rnn([x, h, c]): the states
            // follow the sequence as extra inputs, whose masks the layer ignores
            refs.addAll(kwTensors);
            tensorKwargs |= !kwTensors.isEmpty();
            continue;
          }
          boolean neutral = e.getValue().isNull() || e.getKey().equals("training");
          if (!kwTensors.isEmpty() || !neutral) {
            c.unsupported("layer '" + lname + "' is called with keyword argument '"
                + e.getKey() + "' = " + e.getValue() + ", which KerasBridge does not support");
          }
        }
        // Keras 3's Layer.__call__ fills in the mask argument only when the call has a single
        // tensor argument; with tensor keyword arguments (initial_state) and no explicit mask=,
        // the layer computes unmasked, while its output still gets the first input's mask.
        // A Keras 1/2 file's rnn([x, *states]) (translated to initial_state=) kept Keras 2's
        // rule: the sequence's mask applies.
        nodes.add(new Node(l, k++, refs, node.path("args"), maskRefs,
            tensorKwargs && maskRefs.isEmpty() && !c.isKeras2OrOlder()));
      }
    }
    for (JsonNode t : c.node("input_layers") == null ? List.<JsonNode>of()
        : iterable(c.node("input_layers"))) {
      TensorRef r = triple(t, c, "input_layers");
      inputs.add(r);
      Layer l = byName.get(r.layer());
      if (l instanceof InputLayer il) {
        inputLayers.add(il);
      } else {
        c.unsupported("input '" + r.layer() + "' is not an InputLayer of this model");
      }
    }
    for (JsonNode t : c.node("output_layers") == null ? List.<JsonNode>of()
        : iterable(c.node("output_layers"))) {
      outputs.add(triple(t, c, "output_layers"));
    }
    if (inputs.isEmpty() || outputs.isEmpty()) {
      c.unsupported("the model config lists no input_layers or output_layers");
    }
  }

  /** A mask tensor as the bool masks layers use (op layers carry masks as float 0/1). */
  @SuppressWarnings("unchecked")
  private static Operand<TBool> asMask(Ops tf, Operand<? extends TType> v) {
    if (v.type() == TBool.class) {
      return (Operand<TBool>) v;
    }
    return tf.math.notEqual(tf.dtypes.cast(v, TFloat32.class), tf.constant(0f));
  }

  private static Iterable<JsonNode> iterable(JsonNode n) {
    // a single [name, node, tensor] triple, or a list of them
    if (n.isArray() && n.size() == 3 && n.get(0).isTextual()) {
      return List.of(n);
    }
    return n;
  }

  /**
   * A {@code [layer_name, node_index, tensor_index]} reference, checked: anything else in a file
   * is an {@link InvalidInputException} naming the file and the key it sits under.
   */
  private static TensorRef triple(JsonNode t, LayerConfig c, String key) {
    if (t == null || !t.isArray() || t.size() < 3 || !t.get(0).isTextual()
        || !isIndex(t.get(1)) || !isIndex(t.get(2))) {
      throw new org.kerasbridge.InvalidInputException(c.problems().source() + ": "
          + c.where() + ": " + key + " holds " + abbreviate(t) + " where a [layer_name,"
          + " node_index, tensor_index] reference was expected");
    }
    return new TensorRef(t.get(0).asText(), t.get(1).asInt(), t.get(2).asInt());
  }

  private static boolean isIndex(JsonNode n) {
    return n.isIntegralNumber() && n.canConvertToInt() && n.asInt() >= 0;
  }

  private static String abbreviate(JsonNode n) {
    String s = String.valueOf(n);
    return s.length() > 120 ? s.substring(0, 120) + "..." : s;
  }

  /** The first number or string in a node's arguments outside its tensors, or null. */
  private static JsonNode firstConstant(JsonNode n) {
    if (n == null) {
      return null;
    }
    if (n.isNumber() || n.isTextual()) {
      return n;
    }
    if (n.isObject() && "__keras_tensor__".equals(n.path("class_name").asText())) {
      return null;
    }
    for (JsonNode v : n) {
      JsonNode found = firstConstant(v);
      if (found != null) {
        return found;
      }
    }
    return null;
  }

  private static void collectTensors(JsonNode n, List<TensorRef> out, LayerConfig c) {
    if (n == null) {
      return;
    }
    if (n.isObject()) {
      if ("__keras_tensor__".equals(n.path("class_name").asText())) {
        out.add(triple(n.path("config").get("keras_history"), c, "keras_history"));
        return;
      }
      n.forEach(v -> collectTensors(v, out, c));
    } else if (n.isArray()) {
      n.forEach(v -> collectTensors(v, out, c));
    }
  }

  private static long[] readShape(JsonNode n) {
    if (n == null || !n.isArray()) {
      return null;
    }
    long[] s = new long[n.size()];
    for (int i = 0; i < s.length; i++) {
      s[i] = n.get(i).isNull() ? -1 : n.get(i).asLong();
    }
    return s;
  }

  private static JsonNode shapeNode(long[] s) {
    var a = JsonNodeFactory.instance.arrayNode();
    for (long d : s) {
      if (d < 0) {
        a.addNull();
      } else {
        a.add(d);
      }
    }
    return a;
  }

  public boolean isSequential() {
    return sequential;
  }

  /** The model's layers in config order (InputLayers included). */
  public List<Layer> layers() {
    return List.copyOf(layers);
  }

  public List<InputLayer> inputLayers() {
    return List.copyOf(inputLayers);
  }

  public int outputCount() {
    return outputs.size();
  }

  /** The output names Keras gives them: the names of the layers producing them. */
  public List<String> outputNames() {
    return outputs.stream().map(TensorRef::layer).toList();
  }

  /**
   * Runs the graph on {@code modelInputs} (one per input layer, in order) and returns the outputs
   * with their masks. Layers are called in an order where every input is ready.
   */
  public Traced trace(Ops tf, List<Operand<? extends TType>> modelInputs,
      List<Operand<TBool>> inputMasks, CallContext ctx) {
    if (modelInputs.size() != inputs.size()) {
      throw new KerasBridgeException(name() + " takes " + inputs.size() + " inputs, got "
          + modelInputs.size());
    }
    Map<TensorRef, Operand<? extends TType>> values = new HashMap<>();
    Map<TensorRef, Operand<TBool>> masks = new HashMap<>();
    for (int i = 0; i < inputs.size(); i++) {
      values.put(inputs.get(i), modelInputs.get(i));
      masks.put(inputs.get(i), inputMasks == null || i >= inputMasks.size() ? null
          : inputMasks.get(i));
    }
    Map<String, org.tensorflow.ndarray.Shape> shapes = new LinkedHashMap<>();
    Map<String, Operand<TFloat32>> layerOutputs = new LinkedHashMap<>();
    List<Node> pending = new ArrayList<>(nodes);
    while (!pending.isEmpty()) {
      Node ready = null;
      for (Node n : pending) {
        if (n.inputs().stream().allMatch(values::containsKey)
            && n.maskInputs().stream().allMatch(values::containsKey)) {
          ready = n;
          break;
        }
      }
      if (ready == null) {
        throw new KerasBridgeException(name() + ": the layer graph has a cycle or a missing"
            + " input; waiting: " + pending.stream().map(n -> n.layer().name() + " <- "
                + n.inputs()).toList());
      }
      pending.remove(ready);
      List<Operand<? extends TType>> in = new ArrayList<>();
      List<Operand<TBool>> inMasks = new ArrayList<>();
      for (TensorRef r : ready.inputs()) {
        in.add(values.get(r));
        inMasks.add(masks.get(r));
      }
      if (!ready.maskInputs().isEmpty()) {
        // an explicit mask= argument replaces the propagated masks, in order
        inMasks = new ArrayList<>();
        for (TensorRef r : ready.maskInputs()) {
          inMasks.add(asMask(tf, values.get(r)));
        }
      }
      Layer l = ready.layer();
      Ops scope = tf.withSubScope(org.kerasbridge.graph.GraphRuntime.opName(
          ready.index() == 0 ? l.name() : l.name() + "_" + ready.index()));
      if (!ready.unmaskedCall() && ready.maskInputs().isEmpty() && l instanceof InitialStates
          && in.size() > 1 && !inMasks.isEmpty() && inMasks.get(0) != null) {
        keras3Conflicts.add("layer '" + l.name() + "' (" + l.className() + ") is called with"
            + " initial states on a masked sequence: tf.keras 2 applied that mask, while a Keras 3"
            + " call with initial_state= runs unmasked, so no Keras 3 config means the same");
      }
      if (ready.unmaskedCall()) {
        List<Operand<TBool>> none = new ArrayList<>();
        inMasks.forEach(m -> none.add(null));
        ctx.setMasks(none);
      } else {
        ctx.setMasks(inMasks);
      }
      ctx.setNodeArgs(ready.args());
      List<Operand<TFloat32>> out = l.apply(scope, in, ctx);
      List<Operand<TBool>> outMasks = l.computeMask(scope, in, inMasks, out.size());
      for (int t = 0; t < out.size(); t++) {
        TensorRef ref = new TensorRef(l.name(), ready.index(), t);
        values.put(ref, out.get(t));
        masks.put(ref, outMasks.get(t));
      }
      if (ready.index() == 0) {
        shapes.put(l.name(), out.get(0).shape());
        layerOutputs.put(l.name(), out.get(0));
      }
    }
    List<Operand<TFloat32>> outs = new ArrayList<>();
    List<Operand<TBool>> outMasks = new ArrayList<>();
    for (TensorRef r : outputs) {
      Operand<? extends TType> v = values.get(r);
      if (v == null) {
        throw new KerasBridgeException(name() + ": output " + r + " was never computed");
      }
      // a float16/bfloat16 output stays in its dtype, as Keras returns it; other types (an input
      // passed straight through) become float32 as before
      @SuppressWarnings("unchecked")
      Operand<TFloat32> f = v.type() == TFloat32.class
          || org.kerasbridge.layers.DTypePolicy.isHalf(v.type()) ? (Operand<TFloat32>) v
          : tf.dtypes.cast(v, TFloat32.class);
      outs.add(f);
      outMasks.add(masks.get(r));
    }
    return new Traced(outs, outMasks, shapes, layerOutputs);
  }

  /**
   * The model's output shapes for these input shapes by Keras's shape rules alone ({@link
   * Layer#computeOutputShape}), without building or tracing anything, as Keras computes a
   * symbolic model's shapes. Puts each layer's first output shape into {@code out} under this
   * model's name, and likewise for nested models under theirs.
   */
  public List<org.tensorflow.ndarray.Shape> symbolicShapes(
      List<org.tensorflow.ndarray.Shape> inputShapes, Map<String, Map<String, long[]>> out) {
    Map<TensorRef, org.tensorflow.ndarray.Shape> values = new HashMap<>();
    for (int i = 0; i < inputs.size(); i++) {
      values.put(inputs.get(i), inputShapes.get(i));
    }
    Map<String, long[]> mine = new LinkedHashMap<>();
    List<Node> pending = new ArrayList<>(nodes);
    while (!pending.isEmpty()) {
      Node ready = null;
      for (Node n : pending) {
        if (n.inputs().stream().allMatch(values::containsKey)) {
          ready = n;
          break;
        }
      }
      if (ready == null) {
        throw new KerasBridgeException(name() + ": the layer graph has a cycle or a missing"
            + " input");
      }
      pending.remove(ready);
      List<org.tensorflow.ndarray.Shape> in = new ArrayList<>();
      ready.inputs().forEach(r -> in.add(values.get(r)));
      Layer l = ready.layer();
      List<org.tensorflow.ndarray.Shape> res = l instanceof Functional f
          ? f.symbolicShapes(in, out) : l.computeOutputShape(in);
      for (int t = 0; t < res.size(); t++) {
        values.put(new TensorRef(l.name(), ready.index(), t), res.get(t));
      }
      if (ready.index() == 0 && !res.isEmpty() && !res.get(0).isUnknown()) {
        mine.put(l.name(), res.get(0).asArray());
      }
    }
    out.putIfAbsent(name(), mine);
    List<org.tensorflow.ndarray.Shape> result = new ArrayList<>();
    outputs.forEach(r -> result.add(values.get(r)));
    return result;
  }

  /** The result of {@link #trace}: outputs, their masks, and each layer's first output shape. */
  public record Traced(List<Operand<TFloat32>> outputs, List<Operand<TBool>> masks,
      Map<String, org.tensorflow.ndarray.Shape> layerOutputShapes,
      Map<String, Operand<TFloat32>> layerOutputs) {}

  @Override
  protected List<Operand<TFloat32>> call(Ops tf, List<Operand<? extends TType>> in,
      CallContext ctx) {
    List<Operand<TBool>> m = new ArrayList<>(ctx.masks());
    Traced t = trace(tf, in, m, ctx);
    lastMasks = t.masks();
    return t.outputs();
  }

  private List<Operand<TBool>> lastMasks = List.of();

  @Override
  protected boolean acceptsAnyDtype() {
    return true;
  }

  /**
   * A model's own dtype policy ({@code Sequential(dtype="float16")}) changes nothing here: Keras's
   * Functional does not convert its inputs, a Sequential with an InputLayer converts them to the
   * InputLayer's dtype (which the placeholder has), and each inner layer applies its own policy.
   */
  @Override
  protected boolean supportsPolicy(org.kerasbridge.layers.DTypePolicy policy) {
    return true;
  }

  @Override
  public List<Operand<TBool>> computeMask(Ops tf, List<Operand<? extends TType>> in,
      List<Operand<TBool>> masks, int outputCount) {
    return new ArrayList<>(lastMasks);
  }

  @Override
  public List<Weight> weights() {
    List<Weight> all = new ArrayList<>();
    for (Layer l : layers) {
      all.addAll(l.weights());
    }
    return all;
  }

  @Override
  public List<Weight> trainableWeights() {
    if (!trainable()) {
      return List.of();
    }
    List<Weight> out = new ArrayList<>();
    for (Layer l : layers) {
      out.addAll(l.trainableWeights());
    }
    return out;
  }

  @Override
  public List<RegularizedWeight> regularizedWeights() {
    List<RegularizedWeight> out = new ArrayList<>();
    for (Layer l : layers) {
      out.addAll(l.regularizedWeights());
    }
    return out;
  }

  /**
   * Why this traced model (a Keras 1/2 file) cannot be written as a Keras 3 config with the same
   * meaning, one sentence per layer; empty when it can.
   */
  public List<String> keras3Conflicts() {
    List<String> out = new ArrayList<>(keras3Conflicts);
    for (Layer l : layers) {
      if (l instanceof Functional f) {
        out.addAll(f.keras3Conflicts());
      }
    }
    return out;
  }

  /** Stateful layers anywhere inside. */
  public List<StatefulLayer> statefulLayers() {
    List<StatefulLayer> out = new ArrayList<>();
    for (Layer l : layers) {
      if (l instanceof StatefulLayer s) {
        out.add(s);
      }
      if (l instanceof Functional f) {
        out.addAll(f.statefulLayers());
      }
    }
    return out;
  }

  /**
   * A model states no shapes of its own: each of its layers gives its outputs their Keras static
   * shapes when it is applied, so the model's outputs have them too.
   */
  @Override
  public List<org.tensorflow.ndarray.Shape> computeOutputShape(
      List<org.tensorflow.ndarray.Shape> inputShapes) {
    return null;
  }
}
