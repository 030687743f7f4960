package org.kerasbridge.optimizers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Keras 3 AdamW: Adam with decoupled weight decay (default 0.004) applied before the step. */
public final class AdamW extends Adam {
  public AdamW(JsonNode c) {
    super(withDefaultDecay(c), "adamw", 0.001);
  }

  private static JsonNode withDefaultDecay(JsonNode c) {
    ObjectNode o = c == null || !c.isObject() ? JsonNodeFactory.instance.objectNode()
        : (ObjectNode) c.deepCopy();
    if (!o.has("weight_decay") || o.get("weight_decay").isNull()) {
      o.put("weight_decay", 0.004);
    }
    return o;
  }

  @Override
  public String className() {
    return "AdamW";
  }
}
