package org.kerasbridge.io;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.kerasbridge.layers.Layer;
import org.kerasbridge.layers.LayerConfig;
import org.kerasbridge.layers.LayerContext;
import org.kerasbridge.layers.LayerFactory;
import org.kerasbridge.layers.Problems;
import org.kerasbridge.layers.conv.ConvLayers;
import org.kerasbridge.layers.core.CoreLayers;
import org.kerasbridge.layers.merge.MergeLayers;
import org.kerasbridge.layers.norm.NormalizationLayers;
import org.kerasbridge.layers.pooling.PoolingLayers;
import org.kerasbridge.layers.reshaping.ReshapingLayers;
import org.kerasbridge.layers.rnn.RecurrentLayers;
import org.kerasbridge.model.Functional;

/**
 * The one map from a Keras {@code class_name} to the Java layer that implements it. Names are
 * looked up in a fixed table: nothing named in a file is ever loaded as a class or executed.
 * Unknown classes, Lambda layers and custom objects are reported, all at once, by the caller's
 * {@link Problems}.
 */
public final class LayerRegistry {
  private static final Map<String, LayerFactory> FACTORIES;
  /** Keras ops recorded in Functional graphs: a namespace of their own (see OperationLayers). */
  private static final Map<String, LayerFactory> OPS;

  static {
    Map<String, LayerFactory> ops = new HashMap<>();
    org.kerasbridge.layers.ops.OperationLayers.register(ops);
    OPS = Collections.unmodifiableMap(ops);
    Map<String, LayerFactory> r = new HashMap<>();
    CoreLayers.register(r);
    ConvLayers.register(r);
    PoolingLayers.register(r);
    ReshapingLayers.register(r);
    NormalizationLayers.register(r);
    RecurrentLayers.register(r);
    MergeLayers.register(r);
    LayerFactory model = (c, ctx) -> Functional.fromConfig(c, ctx);
    r.put("Functional", model);
    r.put("Sequential", model);
    r.put("Model", model);
    FACTORIES = Collections.unmodifiableMap(r);
  }

  private LayerRegistry() {}

  /** Whether every call in {@code inboundNodes} has positional args other than one list. */
  private static boolean separateArguments(JsonNode inboundNodes) {
    if (!inboundNodes.isArray() || inboundNodes.isEmpty()) {
      return false;
    }
    for (JsonNode node : inboundNodes) {
      JsonNode args = node.path("args");
      if (!args.isArray() || args.size() == 1 && args.get(0).isArray()) {
        return false;
      }
    }
    return true;
  }

  /** Every Keras class name KerasBridge implements. */
  public static Set<String> supported() {
    return new TreeSet<>(FACTORIES.keySet());
  }

  /** A context that creates layers for a file with the given version, collecting problems. */
  public static LayerContext context(Problems problems, String kerasVersion) {
    return new LayerContext() {
      @Override
      public Layer create(JsonNode layerNode) {
        return LayerRegistry.create(layerNode, this);
      }

      @Override
      public String kerasVersion() {
        return kerasVersion;
      }

      @Override
      public Problems problems() {
        return problems;
      }
    };
  }

  /**
   * Creates the layer a {@code {"class_name": ..., "config": ...}} node describes, or reports why
   * it cannot and returns null.
   */
  public static Layer create(JsonNode layerNode, LayerContext ctx) {
    String cls = layerNode.path("class_name").asText("");
    JsonNode cfg = layerNode.path("config");
    String name = cfg.path("name").asText(layerNode.path("name").asText("?"));
    Problems p = ctx.problems();
    if (cls.equals("Lambda")) {
      p.add("layer '" + name + "' (Lambda) holds Python code (a serialized function);"
          + " KerasBridge never runs code from a model file. Replace the Lambda with built-in"
          + " layers and save the model again");
      return null;
    }
    JsonNode registered = layerNode.get("registered_name");
    JsonNode module = layerNode.get("module");
    // Keras 3's legacy .h5 writer drops "module": an op node is still the op, not the layer of
    // that name. It shows in two ways: its config lacks the "trainable" every Layer config since
    // Keras 1 holds ({"name": "add"}), and its call takes its operands as separate positional
    // arguments (add(x, 3.0)), where a merge layer takes one list (Add()([x, y])).
    boolean opWithoutModule = module == null && OPS.containsKey(cls) && cfg.isObject()
        && !cfg.has("trainable") && separateArguments(layerNode.path("inbound_nodes"));
    if (opWithoutModule || module != null && module.asText("").startsWith("keras.src.ops")) {
      LayerFactory op = OPS.get(cls);
      if (op == null) {
        p.add("layer '" + name + "' is the Keras op '" + cls + "' (" + module.asText("") + "),"
            + " which KerasBridge does not implement");
        return null;
      }
      return op.create(new LayerConfig(cls, cfg, p, ctx.kerasVersion()), ctx);
    }
    boolean custom = registered != null && registered.isTextual()
        && !registered.asText().equals(cls) && !registered.asText().startsWith("keras")
        || module != null && module.isTextual() && !module.asText().startsWith("keras");
    LayerFactory f = FACTORIES.get(cls);
    if (f == null || custom) {
      p.add("layer '" + name + "' has class '" + cls + "'"
          + (custom ? " (" + (KerasJson.codeReference(layerNode) != null
              ? KerasJson.codeReference(layerNode) : "a custom object registered only in Python"
              + (registered != null && registered.isTextual() ? " as '" + registered.asText()
                  + "'" : "")) + ")" : "")
          + ", which KerasBridge does not implement");
      return null;
    }
    LayerConfig config = new LayerConfig(cls, cfg, p, ctx.kerasVersion());
    return f.create(config, ctx);
  }
}
