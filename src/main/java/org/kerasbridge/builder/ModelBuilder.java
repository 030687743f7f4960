package org.kerasbridge.builder;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.kerasbridge.graph.Device;
import org.kerasbridge.model.KerasModel;

/**
 * Builds Keras models in Java, as Keras's Sequential and functional APIs do, into the same Keras
 * 3 config a Python model would have:
 *
 * <pre>{@code
 * KerasModel m = ModelBuilder.sequential("mlp")
 *     .add(Layers.input(784))
 *     .add(Layers.dense(32).optActivation("relu"))
 *     .add(Layers.dense(10).optActivation("softmax"))
 *     .build(Device.CPU, 42);
 *
 * ModelBuilder g = ModelBuilder.functional("autoencoder");
 * KTensor in = g.input(Layers.input(784));
 * KTensor code = Layers.dense(32).optActivation("relu").call(in);
 * KTensor out = Layers.dense(784).optActivation("sigmoid").call(code);
 * KerasModel ae = g.outputs(out).build(Device.CPU, 42);
 * }</pre>
 *
 * Layers without a name get Keras's automatic names ({@code dense}, {@code dense_1}, ...).
 */
public final class ModelBuilder {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private final String name;
  private final boolean sequential;
  private final List<ObjectNode> layers = new ArrayList<>();
  private final Map<String, ObjectNode> byName = new LinkedHashMap<>();
  private final Map<String, Integer> counters = new HashMap<>();
  private final List<KTensor> inputs = new ArrayList<>();
  private final List<KTensor> outputs = new ArrayList<>();
  private final Map<LayerSpec, String> called = new HashMap<>();

  private ModelBuilder(String name, boolean sequential) {
    this.name = name;
    this.sequential = sequential;
  }

  public static ModelBuilder sequential(String name) {
    return new ModelBuilder(name, true);
  }

  public static ModelBuilder functional(String name) {
    return new ModelBuilder(name, false);
  }

  /** Appends a layer to a Sequential model. */
  public ModelBuilder add(LayerSpec layer) {
    if (!sequential) {
      throw new IllegalStateException("add() is for Sequential models; call layers on tensors");
    }
    ObjectNode node = layer.toLayerNode();
    name(layer);
    layers.add(node);
    return this;
  }

  /** A model input of a functional model. */
  public KTensor input(LayerSpec inputLayer) {
    if (!inputLayer.className().equals("InputLayer")) {
      throw new IllegalArgumentException("input() takes Layers.input(...)");
    }
    String n = name(inputLayer);
    ObjectNode node = inputLayer.toLayerNode();
    node.put("name", n);
    node.set("inbound_nodes", F.arrayNode());
    layers.add(node);
    byName.put(n, node);
    KTensor t = new KTensor(this, n, 0, 0);
    inputs.add(t);
    return t;
  }

  KTensor call(LayerSpec layer, List<KTensor> args) {
    String n = called.get(layer);
    ObjectNode node;
    if (n == null) {
      n = name(layer);
      called.put(layer, n);
      node = layer.toLayerNode();
      node.put("name", n);
      node.set("inbound_nodes", F.arrayNode());
      layers.add(node);
      byName.put(n, node);
    } else {
      node = byName.get(n);
    }
    ArrayNode inbound = (ArrayNode) node.get("inbound_nodes");
    ObjectNode call = F.objectNode();
    ArrayNode a = call.putArray("args");
    if (args.size() == 1) {
      a.add(tensorNode(args.get(0)));
    } else {
      ArrayNode list = a.addArray();
      args.forEach(t -> list.add(tensorNode(t)));
    }
    call.putObject("kwargs");
    inbound.add(call);
    return new KTensor(this, n, inbound.size() - 1, 0);
  }

  private static ObjectNode tensorNode(KTensor t) {
    ObjectNode n = F.objectNode();
    n.put("class_name", "__keras_tensor__");
    ObjectNode c = n.putObject("config");
    c.putNull("shape");
    c.put("dtype", "float32");
    ArrayNode h = c.putArray("keras_history");
    h.add(t.layer()).add(t.node()).add(t.tensor());
    return n;
  }

  /** The outputs of a functional model. */
  public ModelBuilder outputs(KTensor... out) {
    outputs.addAll(List.of(out));
    return this;
  }

  private String name(LayerSpec layer) {
    ObjectNode c = layer.config();
    if (c.hasNonNull("name")) {
      return c.get("name").asText();
    }
    String base = snake(layer.className());
    int k = counters.merge(base, 1, Integer::sum) - 1;
    String n = k == 0 ? base : base + "_" + k;
    c.put("name", n);
    if (layer.inner() != null) {
      name(layer.inner());
      ((ObjectNode) c.get("layer")).set("config", layer.inner().config());
    }
    return n;
  }

  /** Keras's {@code to_snake_case}: the automatic layer name ({@code max_pooling2d}). */
  static String snake(String cls) {
    String n = cls.replaceAll("\\W+", "");
    n = n.replaceAll("(.)([A-Z][a-z]+)", "$1_$2");
    return n.replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
  }

  /** The Keras 3 model config: {@code {"class_name": ..., "config": {...}}}. */
  public ObjectNode toConfig() {
    ObjectNode m = F.objectNode();
    m.put("module", "keras");
    m.put("class_name", sequential ? "Sequential" : "Functional");
    ObjectNode c = m.putObject("config");
    c.put("name", name);
    c.put("trainable", true);
    ArrayNode ls = c.putArray("layers");
    layers.forEach(ls::add);
    if (!sequential) {
      ArrayNode in = c.putArray("input_layers");
      inputs.forEach(t -> in.addArray().add(t.layer()).add(t.node()).add(t.tensor()));
      ArrayNode out = c.putArray("output_layers");
      outputs.forEach(t -> out.addArray().add(t.layer()).add(t.node()).add(t.tensor()));
    }
    m.putNull("registered_name");
    return m;
  }

  /** Builds the model with its weights initialized from a generator seeded with {@code seed}. */
  public KerasModel build(Device device, long seed) {
    if (!sequential && outputs.isEmpty()) {
      throw new IllegalStateException("a functional model needs outputs(...)");
    }
    return KerasModel.fromConfig(toConfig(), device, seed);
  }
}
