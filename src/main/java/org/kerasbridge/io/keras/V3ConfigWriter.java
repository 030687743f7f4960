package org.kerasbridge.io.keras;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.kerasbridge.io.ConfigNormalizer;

/**
 * Turns a normalized model config (the schema of {@link org.kerasbridge.io.ModelSpec}) back into
 * what Keras 3.15 writes, the inverse of {@link ConfigNormalizer}:
 *
 * <ul>
 *   <li>every layer entry gets {@code module} and {@code registered_name} when it lacks them
 *       ({@code keras.layers}; {@code keras} for Sequential; {@code keras.src.models.functional}
 *       and {@code "Functional"} for Functional), and so do initializer, regularizer and
 *       constraint dicts ({@code keras.initializers}, ...);
 *   <li>a layer's {@code dtype} name becomes the {@code DTypePolicy} dict Keras writes (an
 *       InputLayer keeps the plain dtype string, as in Keras);
 *   <li>{@code input_layers} / {@code output_layers}: 1 is added back to the node index of a
 *       nested Functional (Keras 3 reserves node 0 there); one tensor is written as a bare
 *       {@code [layer, node, tensor]}, several as a list, and a model that took a dict (the
 *       normalized {@code input_keys} / {@code output_keys}) as that dict again;
 *   <li>Keras tensors in {@code inbound_nodes} whose {@code shape} or {@code dtype} is unknown
 *       (configs translated from Keras 1/2, which stored neither) get the shape the producing
 *       layer's first output has, as traced by KerasBridge, and its dtype (float32, or the
 *       InputLayer's dtype). Keras 3 only uses {@code keras_history} to rewire a tensor, but it
 *       refuses a tensor without a shape.
 * </ul>
 */
final class V3ConfigWriter {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private final Map<String, Map<String, long[]>> shapes;

  /**
   * @param shapes per model name (the top-level model and each nested Functional), per layer
   *     name, the shape of the layer's first output (-1 for an unknown dimension); may be empty
   */
  V3ConfigWriter(Map<String, Map<String, long[]>> shapes) {
    this.shapes = shapes;
  }

  /** The serialized model: {@code module, class_name, config, registered_name, ...}. */
  ObjectNode model(JsonNode normalized) {
    return entry((ObjectNode) normalized.deepCopy());
  }

  private ObjectNode entry(ObjectNode e) {
    String cls = e.path("class_name").asText();
    JsonNode cfg = e.get("config");
    if (cfg instanceof ObjectNode c) {
      layerConfig(cls, c);
      if (ConfigNormalizer.isModel(e)) {
        modelConfig(cls, c);
      }
    }
    ObjectNode out = F.objectNode();
    out.set("module", e.has("module") ? e.get("module") : F.textNode(moduleOf(cls)));
    out.set("class_name", e.get("class_name"));
    out.set("config", e.get("config"));
    out.set("registered_name", e.has("registered_name") ? e.get("registered_name")
        : cls.equals("Functional") ? F.textNode("Functional") : F.nullNode());
    for (Iterator<Map.Entry<String, JsonNode>> it = e.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      String k = f.getKey();
      if (out.has(k) || k.equals("module") || k.equals("registered_name")) {
        continue;
      }
      out.set(k, f.getValue());
    }
    return out;
  }

  private static String moduleOf(String cls) {
    return switch (cls) {
      case "Sequential" -> "keras";
      case "Functional" -> "keras.src.models.functional";
      default -> "keras.layers";
    };
  }

  private void layerConfig(String cls, ObjectNode c) {
    JsonNode d = c.get("dtype");
    if (d != null && d.isTextual() && !cls.equals("InputLayer")) {
      c.set("dtype", policy(d.asText()));
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = c.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      String k = f.getKey();
      JsonNode v = f.getValue();
      String module = k.endsWith("_initializer") ? "keras.initializers"
          : k.endsWith("_regularizer") ? "keras.regularizers"
          : k.endsWith("_constraint") ? "keras.constraints" : null;
      if (module != null && v instanceof ObjectNode o && o.has("class_name")
          && !o.has("module")) {
        ObjectNode n = F.objectNode();
        n.put("module", module);
        n.set("class_name", o.get("class_name"));
        n.set("config", o.has("config") ? o.get("config") : F.objectNode());
        n.putNull("registered_name");
        f.setValue(n);
      }
    }
    for (String k : List.of("layer", "backward_layer", "cell")) {
      JsonNode inner = c.get(k);
      if (inner instanceof ObjectNode o && o.has("class_name") && o.path("config").isObject()) {
        c.set(k, entry(o));
      }
    }
    JsonNode cells = c.get("cells");
    if (cells instanceof ArrayNode a && !ConfigNormalizer.MODEL_CLASSES.contains(cls)) {
      for (int i = 0; i < a.size(); i++) {
        if (a.get(i) instanceof ObjectNode o && o.has("class_name")) {
          a.set(i, entry(o));
        }
      }
    }
  }

  private static ObjectNode policy(String name) {
    ObjectNode p = F.objectNode();
    p.put("module", "keras");
    int from = name.indexOf("_from_");
    if (from > 0) {
      p.put("class_name", name.startsWith("float8") ? "QuantizedFloat8DTypePolicy"
          : "QuantizedDTypePolicy");
      ObjectNode c = p.putObject("config");
      c.put("mode", name.substring(0, from));
      c.put("source_name", name.substring(from + "_from_".length()));
    } else {
      p.put("class_name", "DTypePolicy");
      p.putObject("config").put("name", name);
    }
    p.putNull("registered_name");
    return p;
  }

  private void modelConfig(String cls, ObjectNode c) {
    ArrayNode layers = (ArrayNode) c.get("layers");
    Map<String, JsonNode> byName = new HashMap<>();
    for (int i = 0; i < layers.size(); i++) {
      byName.put(ConfigNormalizer.layerName(layers.get(i)), layers.get(i));
    }
    Map<String, long[]> modelShapes = shapes.getOrDefault(c.path("name").asText(), Map.of());
    for (int i = 0; i < layers.size(); i++) {
      ObjectNode l = (ObjectNode) layers.get(i);
      JsonNode nodes = l.get("inbound_nodes");
      if (nodes != null) {
        fillTensors(nodes, byName, modelShapes);
      }
      layers.set(i, entry(l));
    }
    if (cls.equals("Functional")) {
      for (String side : List.of("input", "output")) {
        c.set(side + "_layers", tensorRefs(c, side, byName));
      }
    }
  }

  private JsonNode tensorRefs(ObjectNode c, String side, Map<String, JsonNode> byName) {
    JsonNode refs = c.get(side + "_layers");
    JsonNode keys = c.remove(side + "_keys");
    ArrayNode fixed = F.arrayNode();
    for (JsonNode r : refs) {
      ArrayNode t = r.deepCopy();
      JsonNode layer = byName.get(t.get(0).asText());
      if (layer != null && "Functional".equals(layer.path("class_name").asText())) {
        t.set(1, F.numberNode(t.get(1).asInt() + 1));
      }
      fixed.add(t);
    }
    if (keys != null && keys.isArray() && keys.size() == fixed.size()) {
      ObjectNode dict = F.objectNode();
      for (int i = 0; i < fixed.size(); i++) {
        dict.set(keys.get(i).asText(), fixed.get(i));
      }
      return dict;
    }
    return fixed.size() == 1 ? fixed.get(0) : fixed;
  }

  private void fillTensors(JsonNode n, Map<String, JsonNode> byName,
      Map<String, long[]> modelShapes) {
    if (n instanceof ObjectNode o) {
      if ("__keras_tensor__".equals(o.path("class_name").asText())
          && o.get("config") instanceof ObjectNode tc) {
        JsonNode history = tc.path("keras_history");
        String producer = history.path(0).asText();
        JsonNode layer = byName.get(producer);
        if (tc.path("shape").isNull() || !tc.has("shape")) {
          long[] s = modelShapes.get(producer);
          if (s == null && layer != null
              && "InputLayer".equals(layer.path("class_name").asText())) {
            JsonNode bs = layer.path("config").path("batch_shape");
            tc.set("shape", bs.isArray() ? bs.deepCopy() : F.nullNode());
          } else if (s != null) {
            ArrayNode a = F.arrayNode();
            for (long d : s) {
              if (d < 0) {
                a.addNull();
              } else {
                a.add(d);
              }
            }
            tc.set("shape", a);
          }
        }
        if (tc.path("dtype").isNull() || !tc.has("dtype")) {
          String dtype = "float32";
          if (layer != null && "InputLayer".equals(layer.path("class_name").asText())
              && layer.path("config").path("dtype").isTextual()) {
            dtype = layer.path("config").path("dtype").asText();
          }
          tc.put("dtype", dtype);
        }
        return;
      }
      o.forEach(v -> fillTensors(v, byName, modelShapes));
    } else if (n instanceof ArrayNode a) {
      a.forEach(v -> fillTensors(v, byName, modelShapes));
    }
  }
}
