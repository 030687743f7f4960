package org.kerasbridge.builder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * A layer to be built: its Keras class name and config, with Keras's argument names. Made by
 * {@link Layers}; optional arguments are set with {@code opt...} or {@link #set}. The config is
 * exactly what Keras would write for the layer, so a model built here exports as a Keras model.
 */
public final class LayerSpec {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private final String className;
  private final ObjectNode config;
  private final LayerSpec inner;

  LayerSpec(String className, ObjectNode config) {
    this(className, config, null);
  }

  LayerSpec(String className, ObjectNode config, LayerSpec inner) {
    this.className = className;
    this.config = config;
    this.inner = inner;
  }

  public String className() {
    return className;
  }

  /** The layer's config (mutable until the model is built). */
  public ObjectNode config() {
    return config;
  }

  /** The wrapped layer (TimeDistributed, Bidirectional), or null. */
  public LayerSpec inner() {
    return inner;
  }

  /** Sets a config value by its Keras name. */
  public LayerSpec set(String key, Object value) {
    config.set(key, toNode(value));
    return this;
  }

  public LayerSpec optName(String name) {
    return set("name", name);
  }

  public LayerSpec optActivation(String activation) {
    return set("activation", activation);
  }

  public LayerSpec optUseBias(boolean useBias) {
    return set("use_bias", useBias);
  }

  /** {@code activity_regularizer=l1(factor)}. */
  public LayerSpec optActivityRegularizerL1(double factor) {
    return set("activity_regularizer", regularizer("L1", "l1", factor));
  }

  /** {@code kernel_regularizer=l2(factor)}. */
  public LayerSpec optKernelRegularizerL2(double factor) {
    return set("kernel_regularizer", regularizer("L2", "l2", factor));
  }

  public LayerSpec optPadding(String padding) {
    return set("padding", padding);
  }

  public LayerSpec optStrides(int... strides) {
    return set("strides", strides.length == 1 ? strides[0] : strides);
  }

  public LayerSpec optDataFormat(String dataFormat) {
    return set("data_format", dataFormat);
  }

  public LayerSpec optReturnSequences(boolean b) {
    return set("return_sequences", b);
  }

  public LayerSpec optStateful(boolean b) {
    return set("stateful", b);
  }

  public LayerSpec optUnroll(boolean b) {
    return set("unroll", b);
  }

  public LayerSpec optTrainable(boolean b) {
    return set("trainable", b);
  }

  /** Calls this layer on tensors of a functional model being built. */
  public KTensor call(KTensor... inputs) {
    if (inputs.length == 0) {
      throw new IllegalArgumentException(className + " needs at least one input");
    }
    return inputs[0].graph().call(this, List.of(inputs));
  }

  private static ObjectNode regularizer(String cls, String key, double factor) {
    ObjectNode n = F.objectNode();
    n.put("module", "keras.regularizers");
    n.put("class_name", cls);
    n.putObject("config").put(key, factor);
    n.putNull("registered_name");
    return n;
  }

  static JsonNode toNode(Object v) {
    if (v == null) {
      return F.nullNode();
    }
    if (v instanceof JsonNode j) {
      return j;
    }
    if (v instanceof String s) {
      return F.textNode(s);
    }
    if (v instanceof Boolean b) {
      return F.booleanNode(b);
    }
    if (v instanceof Integer i) {
      return F.numberNode(i);
    }
    if (v instanceof Long l) {
      return F.numberNode(l);
    }
    if (v instanceof Number n) {
      return F.numberNode(n.doubleValue());
    }
    if (v instanceof int[] a) {
      ArrayNode arr = F.arrayNode();
      for (int x : a) {
        arr.add(x);
      }
      return arr;
    }
    if (v instanceof long[] a) {
      ArrayNode arr = F.arrayNode();
      for (long x : a) {
        if (x < 0) {
          arr.addNull();
        } else {
          arr.add(x);
        }
      }
      return arr;
    }
    if (v instanceof List<?> list) {
      ArrayNode arr = F.arrayNode();
      for (Object o : new ArrayList<>(list)) {
        arr.add(toNode(o));
      }
      return arr;
    }
    throw new IllegalArgumentException("cannot put " + v.getClass() + " in a layer config");
  }

  /** The {@code {"module", "class_name", "config", "registered_name"}} node Keras writes. */
  ObjectNode toLayerNode() {
    ObjectNode n = F.objectNode();
    n.put("module", "keras.layers");
    n.put("class_name", className);
    n.set("config", config);
    n.putNull("registered_name");
    return n;
  }
}
