package org.kerasbridge.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Checks that a config follows the normalized schema documented on {@link ModelSpec}. */
final class ConfigSchemaAssertions {
  private ConfigSchemaAssertions() {}

  static void assertNormalized(JsonNode model, String what) {
    noPolicyDicts(model, what);
    assertModel(model, what);
  }

  private static void assertModel(JsonNode model, String what) {
    String cls = model.path("class_name").asText();
    assertTrue(cls.equals("Sequential") || cls.equals("Functional"), what + ": class " + cls);
    JsonNode cfg = model.path("config");
    assertTrue(cfg.isObject(), what + ": config object");
    assertTrue(cfg.path("name").isTextual(), what + ": model name");
    JsonNode layers = cfg.path("layers");
    assertTrue(layers.isArray() && !layers.isEmpty(), what + ": layers");
    for (JsonNode l : layers) {
      assertTrue(l.path("class_name").isTextual(), what + ": layer class_name");
      assertTrue(l.path("config").isObject(), what + ": layer config of " + l);
      if (l.path("class_name").asText().equals("InputLayer")) {
        JsonNode c = l.path("config");
        assertTrue(c.path("batch_shape").isArray(), what + ": InputLayer batch_shape");
        assertTrue(c.path("dtype").isTextual(), what + ": InputLayer dtype");
        assertTrue(c.path("name").isTextual(), what + ": InputLayer name");
        assertFalse(c.has("batch_input_shape"), what + ": InputLayer batch_input_shape");
      }
      if (ConfigNormalizer.isModel(l)) {
        assertModel(l, what + " > " + ConfigNormalizer.layerName(l));
      }
    }
    if (cls.equals("Sequential")) {
      assertEquals("InputLayer", layers.get(0).path("class_name").asText(),
          what + ": a Sequential starts with its InputLayer");
      return;
    }
    Map<String, JsonNode> byName = new HashMap<>();
    for (JsonNode l : layers) {
      assertTrue(l.path("name").isTextual(), what + ": Functional layer name");
      assertTrue(l.path("inbound_nodes").isArray(), what + ": inbound_nodes");
      byName.put(l.path("name").asText(), l);
    }
    for (JsonNode l : layers) {
      for (JsonNode node : l.path("inbound_nodes")) {
        assertTrue(node.isObject() && node.path("args").isArray()
            && node.path("kwargs").isObject(), what + ": node of " + l.path("name") + ": " + node);
        List<JsonNode> histories = new ArrayList<>();
        histories(node, histories);
        assertFalse(histories.isEmpty(), what + ": node without tensors: " + node);
        for (JsonNode h : histories) {
          assertRef(h, byName, what + ": tensor in node of " + l.path("name"));
        }
      }
    }
    for (String side : List.of("input_layers", "output_layers")) {
      JsonNode refs = cfg.path(side);
      assertTrue(refs.isArray() && !refs.isEmpty(), what + ": " + side);
      for (JsonNode r : refs) {
        assertRef(r, byName, what + ": " + side);
      }
    }
  }

  private static void assertRef(JsonNode r, Map<String, JsonNode> byName, String what) {
    assertTrue(ConfigNormalizer.isTensorRef(r), what + ": " + r);
    JsonNode target = byName.get(r.get(0).asText());
    if (target == null) {
      fail(what + ": names unknown layer " + r);
    }
    int calls = target.path("inbound_nodes").size();
    int node = r.get(1).asInt();
    boolean input = target.path("class_name").asText().equals("InputLayer");
    assertTrue(node >= 0 && (input ? node == 0 : node < calls),
        what + ": node index " + node + " of " + r + " (layer has " + calls + " call(s))");
  }

  private static void histories(JsonNode n, List<JsonNode> out) {
    if (n.isObject()) {
      if ("__keras_tensor__".equals(n.path("class_name").asText())) {
        out.add(n.path("config").path("keras_history"));
        return;
      }
      n.elements().forEachRemaining(c -> histories(c, out));
    } else if (n.isArray()) {
      n.forEach(c -> histories(c, out));
    }
  }

  private static void noPolicyDicts(JsonNode n, String what) {
    if (n.isObject()) {
      JsonNode d = n.get("dtype");
      if (d != null) {
        assertFalse(d.isObject(), what + ": dtype must be a plain string, got " + d);
      }
      n.elements().forEachRemaining(c -> noPolicyDicts(c, what));
    } else if (n.isArray()) {
      n.forEach(c -> noPolicyDicts(c, what));
    }
  }

  /** Names of every layer in the config, nested models and wrapped layers included. */
  static List<String> allLayerNames(JsonNode model) {
    List<String> out = new ArrayList<>();
    collectNames(model, out);
    return out;
  }

  private static void collectNames(JsonNode layer, List<String> out) {
    String n = ConfigNormalizer.layerName(layer);
    if (!n.isEmpty()) {
      out.add(n);
    }
    for (JsonNode l : layer.path("config").path("layers")) {
      collectNames(l, out);
    }
    JsonNode inner = layer.path("config").path("layer");
    if (inner.isObject()) {
      collectNames(inner, out);
    }
  }

  /** The layer entry named {@code name} anywhere in the config, or null. */
  static JsonNode findLayer(JsonNode model, String name) {
    for (JsonNode l : model.path("config").path("layers")) {
      if (name.equals(ConfigNormalizer.layerName(l))) {
        return l;
      }
      JsonNode inner = ConfigNormalizer.isModel(l) ? findLayer(l, name) : null;
      if (inner != null) {
        return inner;
      }
    }
    return null;
  }
}
