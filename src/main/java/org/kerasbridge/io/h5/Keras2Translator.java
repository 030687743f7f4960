package org.kerasbridge.io.h5;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.kerasbridge.InvalidInputException;
import org.kerasbridge.io.ConfigNormalizer;
import org.kerasbridge.io.KerasJson;

/**
 * Translates a Keras 1.x / 2.x / tf.keras 2.x model config into Keras 3's schema, then
 * {@linkplain ConfigNormalizer normalizes} it, so downstream code reads one schema whatever wrote
 * the file. Every change is reported as one sentence in the {@code translations} list.
 *
 * <p>Structural translations:
 * <ul>
 *   <li>tf.keras JSON wrappers {@code {"class_name": "__tuple__" | "TensorShape", "items": x}}
 *       become {@code x};
 *   <li>class {@code Model} becomes {@code Functional};
 *   <li>a Sequential config that is a bare list of layers (Keras &le; 2.1) becomes
 *       {@code {"name": "sequential", "layers": [...]}};
 *   <li>a Sequential's first layer's {@code batch_input_shape} (or Keras 1 {@code input_dim})
 *       moves into an explicit {@code InputLayer} named {@code <first layer>_input}, as Keras 2
 *       named it; {@code batch_input_shape} on later layers, which Keras 2 ignored, is dropped;
 *   <li>an {@code InputLayer}'s {@code batch_input_shape} becomes {@code batch_shape} (and Keras
 *       1's {@code input_dtype} becomes {@code dtype});
 *   <li>list-form inbound nodes {@code [[["dense_1", 0, 0, {kwargs}], ...]]} become Keras 3 nodes
 *       {@code {"args": [tensor | [tensors...]], "kwargs": {...}}} exactly as Keras 3's
 *       {@code deserialize_node} reads the legacy form: one input gives {@code args = [t]}, several
 *       (a merge layer) give {@code args = [[t1, t2, ...]]}, and the kwargs are those of the last
 *       input entry. Tensors are {@code {"class_name": "__keras_tensor__", "config": {"shape":
 *       null, "dtype": null, "keras_history": [layer, node, tensor]}}}: shape and dtype are
 *       unknown without shape inference. A {@code [layer, node, tensor]} triple naming a layer of
 *       the model inside kwargs (how tf.keras saved tensor kwargs) becomes such a tensor too;
 *   <li>references to a nested model's nodes are renumbered: Keras 2 gave every nested model a
 *       built-in node 0 and numbered its calls from 1, everywhere; Keras 3 numbers calls from 0
 *       in inbound nodes and adds 1 only for Functional layers in input/output_layers. Detected
 *       per nested model: no reference uses node 0. (Keras 3.15 itself fails to load such Keras
 *       2 files: its legacy path looks the 1-based index up among 0-based calls.)
 * </ul>
 *
 * <p>Layer arguments (only where Keras 3 lacks the argument, and only when the value is neutral,
 * so that a non-neutral value still reaches the layer registry and is reported as unsupported):
 * <ul>
 *   <li>{@code time_major: false} dropped from any layer;
 *   <li>{@code groups: 1} dropped from the transposed, separable and depthwise convolutions;
 *   <li>{@code implementation} dropped from RNN layers other than LSTM/GRU (it selects a
 *       computation order, not the math; Keras 3's LSTM and GRU still take it);
 *   <li>Embedding {@code input_length} dropped (Keras 3 ignores it);
 *   <li>BatchNormalization {@code fused} dropped (an implementation choice), {@code
 *       virtual_batch_size: null} and {@code adjustment: null} dropped;
 *   <li>SpatialDropout {@code noise_shape: null} dropped;
 *   <li>GRU / GRUCell without {@code reset_after} gets {@code reset_after: false}: Keras 2 wrote
 *       no key when it meant false, and Keras 3's default is true;
 *   <li>LeakyReLU {@code alpha} renamed {@code negative_slope};
 *   <li>a one-element list {@code axis} becomes the integer, as Keras 3's legacy loader does;
 *   <li>Lambda: a list-form {@code function} becomes Keras 3's {@code {"class_name":
 *       "__lambda__", "config": {"code", "defaults", "closure"}}} (still opaque text, never run)
 *       and {@code module}, {@code function_type}, {@code output_shape_type},
 *       {@code output_shape_module} are dropped, as Keras 3 does;
 *   <li>a tf.keras {@code Policy} dtype dict becomes its name.
 * </ul>
 *
 * <p>Activation names are NOT translated: {@code hard_sigmoid} means clip(0.2x + 0.5, 0, 1) in
 * Keras 2 and relu6(x + 3) / 6 in Keras 3; the layer registry decides from
 * {@link org.kerasbridge.io.ModelSpec#kerasVersion()}. Initializer, regularizer and constraint
 * dicts are kept as they are. Keras 1 argument names ({@code output_dim}, {@code init}, ...) are
 * not translated either; the registry reports them as unknown arguments.
 */
public final class Keras2Translator {
  private static final Set<String> NO_GROUPS = Set.of("Conv1DTranspose", "Conv2DTranspose",
      "Conv3DTranspose", "SeparableConv1D", "SeparableConv2D", "DepthwiseConv1D",
      "DepthwiseConv2D");
  private static final Set<String> KEEPS_IMPLEMENTATION = Set.of("LSTM", "GRU", "LSTMCell",
      "GRUCell");
  private static final List<String> LAMBDA_DEP_ARGS = List.of("module", "function_type",
      "output_shape_type", "output_shape_module");

  private final List<String> notes;
  private final String where;

  private Keras2Translator(String where, List<String> notes) {
    this.where = where;
    this.notes = notes;
  }

  /**
   * Translates and normalizes a Keras 1/2 model config.
   *
   * @param modelConfig the {@code model_config} JSON: {@code {"class_name", "config"}}
   * @param where the file, for messages
   * @param translations receives one sentence per translation applied
   * @return a new tree in Keras 3's normalized schema; {@code modelConfig} is not modified
   */
  public static ObjectNode translate(JsonNode modelConfig, String where,
      List<String> translations) {
    if (modelConfig == null || !modelConfig.isObject()) {
      throw new InvalidInputException(where + ": model config is not a JSON object");
    }
    Keras2Translator t = new Keras2Translator(where, translations);
    ObjectNode root = modelConfig.deepCopy();
    int decoded = decodeWrappers(root);
    if (decoded > 0) {
      t.note("config: decoded " + decoded + " tf.keras JSON wrapper(s) (__tuple__ / TensorShape)"
          + " to plain lists");
    }
    if (!root.path("class_name").isTextual()) {
      throw new InvalidInputException(where + ": model config has no \"class_name\"");
    }
    t.translateModel(root, "", true);
    return ConfigNormalizer.normalize(root, where);
  }

  private void note(String s) {
    notes.add(s);
  }

  // ---- JSON wrappers ------------------------------------------------------------------------

  private static boolean isWrapper(JsonNode n) {
    if (!n.isObject() || !n.has("items") || n.size() != 2) {
      return false;
    }
    String c = n.path("class_name").asText();
    return c.equals("__tuple__") || c.equals("TensorShape");
  }

  private static int decodeWrappers(JsonNode node) {
    int count = 0;
    if (node.isObject()) {
      ObjectNode o = (ObjectNode) node;
      List<String> keys = new ArrayList<>();
      o.fieldNames().forEachRemaining(keys::add);
      for (String k : keys) {
        JsonNode v = o.get(k);
        while (isWrapper(v)) {
          v = v.get("items");
          o.set(k, v);
          count++;
        }
        count += decodeWrappers(v);
      }
    } else if (node.isArray()) {
      ArrayNode a = (ArrayNode) node;
      for (int i = 0; i < a.size(); i++) {
        JsonNode v = a.get(i);
        while (isWrapper(v)) {
          v = v.get("items");
          a.set(i, v);
          count++;
        }
        count += decodeWrappers(v);
      }
    }
    return count;
  }

  // ---- models -------------------------------------------------------------------------------

  private static boolean isModelClass(String c) {
    return c.equals("Sequential") || c.equals("Model") || c.equals("Functional");
  }

  /**
   * @param outer the label prefix of the model's context ("" for the top model, "model 'm' " for
   *     a model nested in model m)
   */
  private void translateModel(ObjectNode model, String outer, boolean top) {
    String cls = model.path("class_name").asText();
    JsonNode rawCfg = model.get("config");
    if ("Sequential".equals(cls) && rawCfg != null && rawCfg.isArray()) {
      ObjectNode cfg = KerasJson.nodes().objectNode();
      cfg.put("name", "sequential");
      cfg.set("layers", rawCfg);
      model.set("config", cfg);
      note(outer + "model 'sequential': wrapped the Keras <= 2.1 list-style Sequential config as"
          + " {\"name\": \"sequential\", \"layers\": [...]}");
    }
    if (!model.path("config").isObject()) {
      throw new InvalidInputException(where + ": " + cls + " model config is not a JSON object");
    }
    ObjectNode cfg = (ObjectNode) model.get("config");
    String name = cfg.path("name").asText(model.path("name").asText(cls.toLowerCase(java.util.Locale.ROOT)));
    String label = outer + "model '" + name + "'";
    if ("Model".equals(cls)) {
      model.put("class_name", "Functional");
      note(label + ": class_name Model -> Functional");
    }
    JsonNode layers = cfg.get("layers");
    if (layers == null || !layers.isArray()) {
      throw new InvalidInputException(where + ": " + label + " has no \"layers\" list");
    }
    String layerPrefix = top ? "" : label + " ";
    for (JsonNode l : layers) {
      if (!l.isObject() || !l.path("class_name").isTextual()) {
        throw new InvalidInputException(where + ": " + label
            + " has a layer entry that is not {\"class_name\": ..., \"config\": ...}");
      }
      translateLayer((ObjectNode) l, layerPrefix);
    }
    if ("Sequential".equals(model.path("class_name").asText())) {
      sequentialInput(cfg, label);
    } else {
      convertNodes(cfg, label);
      renumberNestedModels(cfg, label);
    }
  }

  private void translateLayer(ObjectNode layer, String prefix) {
    String cls = layer.path("class_name").asText();
    if (isModelClass(cls)) {
      translateModel(layer, prefix, false);
      return;
    }
    JsonNode c = layer.get("config");
    if (c == null || !c.isObject()) {
      return;
    }
    ObjectNode cfg = (ObjectNode) c;
    String label = prefix + "layer '" + ConfigNormalizer.layerName(layer) + "'";
    translateArgs(cls, cfg, label);
    for (String k : List.of("layer", "backward_layer", "cell")) {
      JsonNode inner = cfg.get(k);
      if (inner != null && inner.isObject() && inner.path("class_name").isTextual()) {
        translateLayer((ObjectNode) inner, label + " > ");
      }
    }
    JsonNode cells = cfg.get("cells");
    if (cells != null && cells.isArray()) {
      for (JsonNode cell : cells) {
        if (cell.isObject() && cell.path("class_name").isTextual()) {
          translateLayer((ObjectNode) cell, label + " > ");
        }
      }
    }
  }

  private void translateArgs(String cls, ObjectNode cfg, String label) {
    if (cls.equals("InputLayer") && cfg.has("batch_input_shape") && !cfg.has("batch_shape")) {
      cfg.set("batch_shape", cfg.remove("batch_input_shape"));
      note(label + ": InputLayer batch_input_shape -> batch_shape");
    }
    if (cls.equals("InputLayer") && cfg.has("input_dtype") && !cfg.has("dtype")) {
      cfg.set("dtype", cfg.remove("input_dtype"));
      note(label + ": Keras 1 InputLayer input_dtype -> dtype");
    }
    dropIf(cfg, "time_major", v -> v.isBoolean() && !v.asBoolean(), label,
        "Keras 3 has no time_major");
    if (NO_GROUPS.contains(cls)) {
      dropIf(cfg, "groups", v -> v.isNumber() && v.asDouble() == 1, label,
          "Keras 3's " + cls + " has no groups argument");
    }
    boolean rnn = cls.contains("RNN") || cls.contains("LSTM") || cls.contains("GRU");
    if (rnn && !KEEPS_IMPLEMENTATION.contains(cls)) {
      dropIf(cfg, "implementation", v -> true, label, "a computation-order choice; Keras 3's "
          + cls + " has no implementation argument");
    }
    if (cls.equals("Embedding")) {
      dropIf(cfg, "input_length", v -> true, label, "Keras 3 ignores input_length");
    }
    if (cls.equals("BatchNormalization")) {
      dropIf(cfg, "fused", v -> true, label, "an implementation choice Keras 3 does not offer");
      dropIf(cfg, "virtual_batch_size", JsonNode::isNull, label, "the neutral value");
      dropIf(cfg, "adjustment", JsonNode::isNull, label, "the neutral value");
    }
    if (cls.startsWith("SpatialDropout")) {
      dropIf(cfg, "noise_shape", JsonNode::isNull, label, "Keras 3's " + cls
          + " has no noise_shape argument");
    }
    if ((cls.equals("GRU") || cls.equals("GRUCell")) && !cfg.has("reset_after")) {
      cfg.put("reset_after", false);
      note(label + ": added reset_after=false (Keras 2 omitted it when false; Keras 3 defaults to"
          + " true)");
    }
    if (cls.equals("LeakyReLU") && cfg.has("alpha") && !cfg.has("negative_slope")) {
      JsonNode a = cfg.remove("alpha");
      cfg.set("negative_slope", a);
      note(label + ": renamed alpha=" + a + " to negative_slope (Keras 3 name)");
    }
    JsonNode axis = cfg.get("axis");
    if (axis != null && axis.isArray() && axis.size() == 1 && axis.get(0).isIntegralNumber()) {
      cfg.put("axis", axis.get(0).asInt());
      note(label + ": axis " + axis + " -> " + axis.get(0).asInt()
          + " (Keras 3 takes an integer, as its legacy loader converts it)");
    }
    if (cls.equals("Lambda")) {
      for (String k : LAMBDA_DEP_ARGS) {
        if (cfg.has(k)) {
          cfg.remove(k);
          note(label + ": dropped Lambda argument " + k + " (not in Keras 3)");
        }
      }
      JsonNode fn = cfg.get("function");
      if (fn != null && fn.isArray()) {
        ObjectNode f = KerasJson.nodes().objectNode();
        f.put("class_name", "__lambda__");
        ObjectNode fc = f.putObject("config");
        fc.set("code", fn.size() > 0 ? fn.get(0) : KerasJson.nodes().nullNode());
        fc.set("defaults", fn.size() > 1 ? fn.get(1) : KerasJson.nodes().nullNode());
        fc.set("closure", fn.size() > 2 ? fn.get(2) : KerasJson.nodes().nullNode());
        cfg.set("function", f);
        note(label + ": Lambda function [code, defaults, closure] -> Keras 3 __lambda__ dict"
            + " (serialized Python bytecode, kept as opaque text and never run)");
      }
    }
    JsonNode dtype = cfg.get("dtype");
    if (dtype != null && dtype.isObject()) {
      String name = ConfigNormalizer.policyName(dtype);
      if (name != null) {
        cfg.put("dtype", name);
        note(label + ": dtype policy " + dtype.path("class_name").asText() + " -> \"" + name
            + "\"");
      }
    }
  }

  private void dropIf(ObjectNode cfg, String key, java.util.function.Predicate<JsonNode> neutral,
      String label, String why) {
    JsonNode v = cfg.get(key);
    if (v != null && neutral.test(v)) {
      cfg.remove(key);
      note(label + ": dropped " + key + "=" + v + " (" + why + ")");
    }
  }

  // ---- Sequential input ---------------------------------------------------------------------

  private void sequentialInput(ObjectNode cfg, String label) {
    ArrayNode layers = (ArrayNode) cfg.get("layers");
    if (layers.isEmpty()) {
      return;
    }
    JsonNode first = layers.get(0);
    boolean hasInput = "InputLayer".equals(first.path("class_name").asText());
    if (!hasInput && first.path("config").isObject()) {
      ObjectNode fc = (ObjectNode) first.get("config");
      JsonNode bis = fc.get("batch_input_shape");
      String what = "batch_input_shape";
      if ((bis == null || !bis.isArray()) && fc.path("input_dim").isIntegralNumber()) {
        bis = KerasJson.nodes().arrayNode().addNull().add(fc.get("input_dim").asLong());
        what = "input_dim";
      }
      if (bis != null && bis.isArray()) {
        String firstName = ConfigNormalizer.layerName(first);
        String inName = ConfigNormalizer.uniqueName(firstName + "_input", cfg);
        String dtype = ConfigNormalizer.computeDtype(ConfigNormalizer.policyName(fc.get("dtype")));
        layers.insert(0, ConfigNormalizer.inputLayer(inName, bis, dtype));
        fc.remove(what);
        fc.remove("batch_size");
        note(label + ": moved first layer '" + firstName + "' " + what + "=" + bis
            + " into an explicit InputLayer '" + inName + "' (batch_shape " + bis + ", dtype "
            + dtype + ")");
        hasInput = true;
      }
    }
    for (int i = 1; i < layers.size(); i++) {
      JsonNode c = layers.get(i).path("config");
      if (c.isObject() && c.has("batch_input_shape")) {
        JsonNode v = ((ObjectNode) c).remove("batch_input_shape");
        note(label + ": dropped batch_input_shape=" + v + " from layer '"
            + ConfigNormalizer.layerName(layers.get(i)) + "' (only the model input's shape"
            + " counts" + (hasInput ? "; the InputLayer holds it" : "") + ")");
      }
    }
  }

  // ---- Functional nodes ---------------------------------------------------------------------

  private static ObjectNode kerasTensor(String layer, int node, int tensor) {
    ObjectNode t = KerasJson.nodes().objectNode();
    t.put("class_name", "__keras_tensor__");
    ObjectNode c = t.putObject("config");
    c.putNull("shape");
    c.putNull("dtype");
    c.putArray("keras_history").add(layer).add(node).add(tensor);
    return t;
  }

  private void convertNodes(ObjectNode cfg, String label) {
    Set<String> names = new HashSet<>();
    for (JsonNode l : cfg.get("layers")) {
      names.add(ConfigNormalizer.layerName(l));
    }
    int converted = 0;
    for (JsonNode l : cfg.get("layers")) {
      JsonNode nodes = l.get("inbound_nodes");
      if (nodes == null || !nodes.isArray()) {
        continue;
      }
      ArrayNode out = KerasJson.nodes().arrayNode();
      boolean changed = false;
      if (isEntry(nodes.path(0))) {
        // tf.keras 1.x (e.g. Keras 2.2.4-tf) wrote a layer's single inbound node without the
        // outer list: [[layer, node, tensor, kwargs], ...] is then ONE node, not a list of nodes.
        ArrayNode one = KerasJson.nodes().arrayNode();
        one.add(nodes);
        nodes = one;
        changed = true;
      }
      for (JsonNode node : nodes) {
        if (node.isArray() || (node.isObject() && !node.has("args"))) {
          out.add(legacyNode(node, names, label, ConfigNormalizer.layerName(l),
              l.path("class_name").asText()));
          changed = true;
          converted++;
        } else {
          out.add(node);
        }
      }
      if (changed) {
        ((ObjectNode) l).set("inbound_nodes", out);
      }
    }
    if (converted > 0) {
      note(label + ": converted " + converted + " inbound node(s) from the Keras 2 list form"
          + " [[layer, node, tensor, kwargs], ...] to Keras 3 {\"args\", \"kwargs\"} nodes");
    }
  }

  /** {@code [layer_name, node_index, tensor_index, kwargs?]}: one input of a legacy node. */
  private static boolean isEntry(JsonNode e) {
    return e.isArray() && e.size() >= 3 && e.size() <= 4 && e.get(0).isTextual()
        && e.get(1).isIntegralNumber();
  }

  /** Recurrent layers whose extra legacy inputs are initial states ({@code rnn([x, h, c])}). */
  private static final Set<String> TAKES_INITIAL_STATES = Set.of("SimpleRNN", "LSTM", "GRU",
      "RNN", "Bidirectional");

  private ObjectNode legacyNode(JsonNode node, Set<String> names, String label, String layer,
      String className) {
    ObjectNode out = KerasJson.nodes().objectNode();
    ArrayNode args = out.putArray("args");
    JsonNode[] kwargs = {KerasJson.nodes().objectNode()};
    String at = label + " layer '" + layer + "'";
    if (node.isArray()) {
      ArrayNode inputs = KerasJson.nodes().arrayNode();
      for (JsonNode e : node) {
        inputs.add(legacyArg(e, kwargs, at));
      }
      if (inputs.size() > 1 && TAKES_INITIAL_STATES.contains(className)) {
        // tf.keras 2 folded rnn(x, initial_state=[h, c]) into rnn([x, h, c]); Keras 3 writes
        // the states as the initial_state keyword (the mask rule stays Keras 2's: Functional
        // applies the sequence's mask for a file of this version)
        args.add(inputs.get(0));
        ArrayNode states = KerasJson.nodes().arrayNode();
        for (int i = 1; i < inputs.size(); i++) {
          states.add(inputs.get(i));
        }
        out.set("kwargs", tensorsInKwargs(kwargs[0].deepCopy(), names));
        ((ObjectNode) out.get("kwargs")).set("initial_state", states);
        return out;
      }
      if (inputs.size() == 1) {
        args.add(inputs.get(0));
      } else if (inputs.size() > 1) {
        args.add(inputs);
      }
    } else {
      args.add(legacyArg(node, kwargs, at));
    }
    out.set("kwargs", tensorsInKwargs(kwargs[0].deepCopy(), names));
    return out;
  }

  /**
   * One input of a legacy node: an entry {@code [layer, node, tensor, kwargs?]} becomes a keras
   * tensor (tf.keras's {@code ["_CONSTANT_VALUE", -1, value, kwargs?]} becomes the value), and a
   * nested list or dict of entries (tf.keras layers that keep their input structure) keeps its
   * structure. The kwargs of the last entry seen are the node's, as in Keras 3's reader.
   */
  private JsonNode legacyArg(JsonNode e, JsonNode[] kwargs, String at) {
    if (e.isArray() && !e.isEmpty() && e.get(0).isTextual()) {
      boolean constant = "_CONSTANT_VALUE".equals(e.get(0).asText()) && e.size() >= 3
          && e.get(1).asInt() == -1;
      if (e.size() < 3 || e.size() > 4 || !e.get(1).isIntegralNumber()
          || !(constant || e.get(2).isIntegralNumber())) {
        throw new InvalidInputException(where + ": " + at + ": inbound node entry " + e
            + " is not [layer_name, node_index, tensor_index, kwargs?]");
      }
      kwargs[0] = e.size() == 4 && e.get(3).isObject() ? e.get(3) : KerasJson.nodes().objectNode();
      return constant ? e.get(2).deepCopy()
          : kerasTensor(e.get(0).asText(), e.get(1).asInt(), e.get(2).asInt());
    }
    if (e.isArray()) {
      ArrayNode a = KerasJson.nodes().arrayNode();
      for (JsonNode c : e) {
        a.add(legacyArg(c, kwargs, at));
      }
      return a;
    }
    if (e.isObject()) {
      ObjectNode o = KerasJson.nodes().objectNode();
      e.fields().forEachRemaining(f -> o.set(f.getKey(), legacyArg(f.getValue(), kwargs, at)));
      return o;
    }
    throw new InvalidInputException(where + ": " + at + ": inbound node entry " + e
        + " is not [layer_name, node_index, tensor_index, kwargs?]");
  }

  private static JsonNode tensorsInKwargs(JsonNode v, Set<String> names) {
    if (ConfigNormalizer.isTensorRef(v) && names.contains(v.get(0).asText())) {
      return kerasTensor(v.get(0).asText(), v.get(1).asInt(), v.get(2).asInt());
    }
    if (v.isObject()) {
      ObjectNode o = (ObjectNode) v;
      List<Map.Entry<String, JsonNode>> fields = new ArrayList<>();
      o.fields().forEachRemaining(fields::add);
      for (Map.Entry<String, JsonNode> f : fields) {
        o.set(f.getKey(), tensorsInKwargs(f.getValue(), names));
      }
    } else if (v.isArray()) {
      ArrayNode a = (ArrayNode) v;
      for (int i = 0; i < a.size(); i++) {
        a.set(i, tensorsInKwargs(a.get(i), names));
      }
    }
    return v;
  }

  /**
   * Keras 2 gave every nested model a built-in node 0 and numbered its calls from 1, in node data
   * and in input/output_layers alike. Keras 3 numbers calls from 0 in node data, and adds 1 in
   * input/output_layers only for Functional layers. Per nested model: when no reference uses
   * node 0, the references are Keras 2's 1-based ones and are renumbered to what Keras 3 writes.
   */
  private void renumberNestedModels(ObjectNode cfg, String label) {
    for (JsonNode l : cfg.get("layers")) {
      String cls = l.path("class_name").asText();
      if (!ConfigNormalizer.MODEL_CLASSES.contains(cls)) {
        continue;
      }
      String name = ConfigNormalizer.layerName(l);
      List<ArrayNode> inNodes = new ArrayList<>();
      for (JsonNode other : cfg.get("layers")) {
        collectHistories(other.path("inbound_nodes"), name, inNodes);
      }
      List<ArrayNode> inRefs = new ArrayList<>();
      for (String side : List.of("input_layers", "output_layers")) {
        collectRefs(cfg.path(side), name, inRefs);
      }
      boolean usesZero = inNodes.stream().anyMatch(h -> h.get(1).asInt() == 0)
          || inRefs.stream().anyMatch(h -> h.get(1).asInt() == 0);
      boolean functional = cls.equals("Functional");
      int changed = 0;
      if (!usesZero) {
        for (ArrayNode h : inNodes) {
          h.set(1, KerasJson.nodes().numberNode(h.get(1).asInt() - 1));
          changed++;
        }
        if (!functional) {
          for (ArrayNode h : inRefs) {
            h.set(1, KerasJson.nodes().numberNode(h.get(1).asInt() - 1));
            changed++;
          }
        }
      } else if (functional) {
        for (ArrayNode h : inRefs) {
          h.set(1, KerasJson.nodes().numberNode(h.get(1).asInt() + 1));
          changed++;
        }
      }
      if (changed > 0) {
        note(label + ": renumbered " + changed + " reference(s) to nested " + cls + " '" + name
            + "' from Keras 2 node indices to Keras 3's (calls counted from 0 in inbound nodes;"
            + " in input/output_layers counted from 1 for a Functional, from 0 otherwise)");
      }
    }
  }

  private static void collectHistories(JsonNode n, String layer, List<ArrayNode> out) {
    if (n.isObject()) {
      if ("__keras_tensor__".equals(n.path("class_name").asText())) {
        JsonNode h = n.path("config").path("keras_history");
        if (h.isArray() && h.size() == 3 && layer.equals(h.get(0).asText())) {
          out.add((ArrayNode) h);
        }
        return;
      }
      n.elements().forEachRemaining(c -> collectHistories(c, layer, out));
    } else if (n.isArray()) {
      n.forEach(c -> collectHistories(c, layer, out));
    }
  }

  private static void collectRefs(JsonNode n, String layer, List<ArrayNode> out) {
    if (ConfigNormalizer.isTensorRef(n)) {
      if (layer.equals(n.get(0).asText())) {
        out.add((ArrayNode) n);
      }
    } else if (n.isArray() || n.isObject()) {
      n.elements().forEachRemaining(c -> collectRefs(c, layer, out));
    }
  }
}
