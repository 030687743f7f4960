package org.kerasbridge.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.kerasbridge.InvalidInputException;
import org.kerasbridge.UnsupportedFeatureException;

/**
 * Brings a Keras 3 model config into the one schema downstream code reads (see {@link ModelSpec}
 * for the schema). Keras 3 writes a few things in more than one form; this picks one:
 *
 * <ul>
 *   <li>dtype policies ({@code {"class_name": "DTypePolicy", "config": {"name": "float32"}}},
 *       tf.keras's {@code Policy}, quantized policies) become the policy name string Keras itself
 *       accepts ({@code "float32"}, {@code "mixed_float16"}, {@code "int8_from_float32"});
 *   <li>{@code input_layers} / {@code output_layers} become a list of {@code [layer, node,
 *       tensor]} triples even for one tensor (Keras 3 writes a bare triple then) or a dict
 *       (flattened in sorted-key order, as Keras flattens it; the keys go to {@code input_keys} /
 *       {@code output_keys});
 *   <li>a Sequential that has no InputLayer but a {@code build_input_shape} gets the InputLayer
 *       Keras would create when building it ({@code Sequential.build});
 *   <li>node indices in {@code input_layers} / {@code output_layers} are the 0-based call index
 *       for every layer: Keras 3 adds 1 there for a nested Functional layer (a leftover of Keras
 *       2's built-in node) but not inside {@code inbound_nodes}, so the 1 is removed;
 *   <li>every Functional layer entry has {@code name} and {@code inbound_nodes}; every
 *       InputLayer states {@code dtype} and {@code sparse} (Keras's defaults float32 and false
 *       when the file leaves them out).
 * </ul>
 *
 * <p>Keras 1/2 configs are first translated by {@link org.kerasbridge.io.h5.Keras2Translator},
 * which calls this too. Nothing is evaluated: Lambda bytecode stays an opaque string.
 */
public final class ConfigNormalizer {
  /** Model classes whose config holds a layer graph. */
  public static final Set<String> MODEL_CLASSES = Set.of("Sequential", "Functional");

  private ConfigNormalizer() {}

  /**
   * A normalized deep copy of {@code modelConfig}.
   *
   * @param where the file, for error messages
   * @throws InvalidInputException when the config is not a Keras model config
   * @throws UnsupportedFeatureException when it is a subclassed model (no layer graph)
   */
  public static ObjectNode normalize(JsonNode modelConfig, String where) {
    ObjectNode root = requireModel(modelConfig, where, "model config");
    root = root.deepCopy();
    String cls = root.path("class_name").asText();
    if (!MODEL_CLASSES.contains(cls)) {
      throw new UnsupportedFeatureException(where + ": the model is a '" + cls + "', not a"
          + " Sequential or Functional model, so its config holds no layer graph to rebuild"
          + " (subclassed models cannot be read; rebuild it as a Functional model and save again)");
    }
    normalizeDtypes(root);
    normalizeModel(root, where);
    return root;
  }

  /** True when {@code layer} is a nested Sequential or Functional model. */
  public static boolean isModel(JsonNode layer) {
    return layer != null && MODEL_CLASSES.contains(layer.path("class_name").asText())
        && layer.path("config").isObject();
  }

  /** The layer name in a layer entry: its config's {@code name}, else the entry's. */
  public static String layerName(JsonNode layer) {
    JsonNode n = layer.path("config").path("name");
    if (n.isTextual()) {
      return n.asText();
    }
    return layer.path("name").asText("");
  }

  /** The {@code layers} array of a model config, or an empty array. */
  public static ArrayNode layersOf(JsonNode model) {
    JsonNode l = model.path("config").path("layers");
    return l.isArray() ? (ArrayNode) l : KerasJson.nodes().arrayNode();
  }

  /**
   * The Keras dtype-policy name of a {@code dtype} value: the string itself, or the name held in
   * a policy dict; null when {@code dtype} is neither.
   */
  public static String policyName(JsonNode dtype) {
    if (dtype == null || dtype.isNull() || dtype.isMissingNode()) {
      return null;
    }
    if (dtype.isTextual()) {
      return dtype.asText();
    }
    if (!dtype.isObject() || !dtype.path("class_name").asText().endsWith("Policy")) {
      return null;
    }
    JsonNode cfg = dtype.path("config");
    if (cfg.path("name").isTextual()) {
      return cfg.path("name").asText();
    }
    if (cfg.path("mode").isTextual() && cfg.path("source_name").isTextual()) {
      return cfg.path("mode").asText() + "_from_" + cfg.path("source_name").asText();
    }
    return null;
  }

  /**
   * The dtype of values a layer with policy {@code policy} computes in, which is the dtype Keras
   * gives the InputLayer it creates in front of it: {@code mixed_float16} computes in float16, a
   * quantized {@code int8_from_float32} in float32.
   */
  public static String computeDtype(String policy) {
    if (policy == null) {
      return "float32";
    }
    if (policy.startsWith("mixed_")) {
      return policy.substring("mixed_".length());
    }
    int from = policy.indexOf("_from_");
    return from >= 0 ? policy.substring(from + "_from_".length()) : policy;
  }

  static ObjectNode requireModel(JsonNode n, String where, String what) {
    if (n == null || !n.isObject() || !n.path("class_name").isTextual()
        || !(n.path("config").isObject() || n.path("config").isArray())) {
      throw new InvalidInputException(where + ": " + what + " is not a Keras model config:"
          + " expected a JSON object with \"class_name\" and \"config\"");
    }
    return (ObjectNode) n;
  }

  /** Replaces every dtype policy dict under a {@code dtype} key by its name. */
  private static void normalizeDtypes(JsonNode node) {
    if (node.isObject()) {
      ObjectNode o = (ObjectNode) node;
      JsonNode d = o.get("dtype");
      if (d != null && d.isObject()) {
        String name = policyName(d);
        if (name != null) {
          o.put("dtype", name);
        }
      }
      for (Iterator<JsonNode> it = o.elements(); it.hasNext(); ) {
        normalizeDtypes(it.next());
      }
    } else if (node.isArray()) {
      for (JsonNode c : node) {
        normalizeDtypes(c);
      }
    }
  }

  private static void normalizeModel(ObjectNode model, String where) {
    ObjectNode cfg = (ObjectNode) model.get("config");
    JsonNode layers = cfg.get("layers");
    if (layers == null || !layers.isArray()) {
      throw new InvalidInputException(where + ": " + model.path("class_name").asText()
          + " model '" + cfg.path("name").asText() + "' has no \"layers\" list in its config");
    }
    for (JsonNode l : layers) {
      if (!l.isObject() || !l.path("class_name").isTextual()) {
        throw new InvalidInputException(where + ": model '" + cfg.path("name").asText()
            + "' has a layer entry that is not {\"class_name\": ..., \"config\": ...}: "
            + abbreviate(l));
      }
      normalizeNested((ObjectNode) l, where);
      if ("InputLayer".equals(l.path("class_name").asText()) && l.path("config").isObject()) {
        // Keras's defaults, so that every InputLayer states them
        ObjectNode c = (ObjectNode) l.get("config");
        if (!c.path("dtype").isTextual()) {
          c.put("dtype", "float32");
        }
        if (!c.has("sparse")) {
          c.put("sparse", false);
        }
      }
    }
    if ("Sequential".equals(model.path("class_name").asText())) {
      insertInputLayerFromBuildShape(cfg);
    } else {
      normalizeFunctional(cfg, where);
    }
  }

  /** Nested models, directly or inside wrappers ({@code layer}, {@code backward_layer}). */
  private static void normalizeNested(ObjectNode layer, String where) {
    if (isModel(layer)) {
      normalizeModel(layer, where);
      return;
    }
    JsonNode c = layer.get("config");
    if (c != null && c.isObject()) {
      for (String k : List.of("layer", "backward_layer")) {
        JsonNode inner = c.get(k);
        if (inner != null && inner.isObject() && inner.has("class_name")) {
          normalizeNested((ObjectNode) inner, where);
        }
      }
    }
  }

  private static void insertInputLayerFromBuildShape(ObjectNode cfg) {
    ArrayNode layers = (ArrayNode) cfg.get("layers");
    JsonNode bis = cfg.get("build_input_shape");
    if (layers.isEmpty() || "InputLayer".equals(layers.get(0).path("class_name").asText())
        || bis == null || !bis.isArray() || bis.isEmpty()
        || bis.get(0).isArray() || bis.get(0).isObject()) {
      return;
    }
    JsonNode first = layers.get(0);
    ObjectNode input = inputLayer(uniqueName(layerName(first) + "_input", cfg), bis,
        computeDtype(policyName(first.path("config").get("dtype"))));
    layers.insert(0, input);
  }

  /** A Keras 3 InputLayer entry. */
  public static ObjectNode inputLayer(String name, JsonNode batchShape, String dtype) {
    ObjectNode input = KerasJson.nodes().objectNode();
    input.put("class_name", "InputLayer");
    ObjectNode c = input.putObject("config");
    c.set("batch_shape", batchShape.deepCopy());
    c.put("dtype", dtype);
    c.put("sparse", false);
    c.put("name", name);
    return input;
  }

  /** {@code base}, or {@code base_1}, ... when a layer of the model already has that name. */
  public static String uniqueName(String base, ObjectNode modelConfig) {
    Set<String> names = new HashSet<>();
    for (JsonNode l : modelConfig.path("layers")) {
      names.add(layerName(l));
    }
    String n = base;
    for (int i = 1; names.contains(n); i++) {
      n = base + "_" + i;
    }
    return n;
  }

  private static void normalizeFunctional(ObjectNode cfg, String where) {
    for (JsonNode l : cfg.get("layers")) {
      ObjectNode lo = (ObjectNode) l;
      if (!lo.path("name").isTextual()) {
        lo.put("name", layerName(lo));
      }
      JsonNode nodes = lo.get("inbound_nodes");
      if (nodes == null || nodes.isNull()) {
        lo.putArray("inbound_nodes");
      } else if (!nodes.isArray()) {
        throw new InvalidInputException(where + ": layer '" + layerName(lo)
            + "': \"inbound_nodes\" is not a list");
      }
    }
    for (String side : List.of("input", "output")) {
      JsonNode refs = cfg.get(side + "_layers");
      if (refs == null || refs.isNull()) {
        throw new InvalidInputException(where + ": Functional model '" + cfg.path("name").asText()
            + "' has no \"" + side + "_layers\"");
      }
      List<String> keys = new ArrayList<>();
      ArrayNode flat = KerasJson.nodes().arrayNode();
      flattenTensorRefs(refs, flat, keys, where, side);
      cfg.set(side + "_layers", flat);
      uniformNodeIndices(cfg, flat, where, side);
      if (refs.isObject()) {
        ArrayNode k = cfg.putArray(side + "_keys");
        keys.forEach(k::add);
      }
    }
  }

  /**
   * Keras 3 numbers a Functional layer's calls from 1 in {@code input_layers} /
   * {@code output_layers} (its {@code get_config} reserves node 0 for a built-in node that Keras
   * 3 models no longer have) and from 0 everywhere else. Make it 0 everywhere: {@code k - 1}, and
   * where that is -1 what Keras's Python indexing then picks, the last call.
   */
  private static void uniformNodeIndices(ObjectNode cfg, ArrayNode refs, String where,
      String side) {
    Map<String, JsonNode> byName = new java.util.HashMap<>();
    for (JsonNode l : cfg.get("layers")) {
      byName.put(layerName(l), l);
    }
    for (JsonNode r : refs) {
      JsonNode layer = byName.get(r.get(0).asText());
      if (layer == null) {
        throw new InvalidInputException(where + ": \"" + side + "\" names layer '"
            + r.get(0).asText() + "', which model '" + cfg.path("name").asText()
            + "' does not have");
      }
      if ("Functional".equals(layer.path("class_name").asText())) {
        int k = r.get(1).asInt() - 1;
        if (k < 0) {
          k += layer.path("inbound_nodes").size();
        }
        ((ArrayNode) r).set(1, KerasJson.nodes().numberNode(Math.max(k, 0)));
      }
    }
  }

  /** True for {@code ["name", node, tensor]}. */
  public static boolean isTensorRef(JsonNode n) {
    return n != null && n.isArray() && n.size() == 3 && n.get(0).isTextual()
        && n.get(1).canConvertToInt() && n.get(1).isIntegralNumber()
        && n.get(2).isIntegralNumber();
  }

  private static void flattenTensorRefs(JsonNode refs, ArrayNode out, List<String> keys,
      String where, String side) {
    if (isTensorRef(refs)) {
      out.add(refs.deepCopy());
    } else if (refs.isArray()) {
      for (JsonNode r : refs) {
        flattenTensorRefs(r, out, keys, where, side);
      }
    } else if (refs.isObject()) {
      Map<String, JsonNode> sorted = new TreeMap<>();
      refs.fields().forEachRemaining(e -> sorted.put(e.getKey(), e.getValue()));
      for (Map.Entry<String, JsonNode> e : sorted.entrySet()) {
        keys.add(e.getKey());
        flattenTensorRefs(e.getValue(), out, new ArrayList<>(), where, side);
      }
    } else {
      throw new InvalidInputException(where + ": \"" + side + "_layers\" holds " + abbreviate(refs)
          + " where a [layer_name, node_index, tensor_index] triple was expected");
    }
  }

  static String abbreviate(JsonNode n) {
    String s = String.valueOf(n);
    return s.length() > 120 ? s.substring(0, 117) + "..." : s;
  }
}
