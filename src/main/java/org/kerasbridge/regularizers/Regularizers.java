package org.kerasbridge.regularizers;

import com.fasterxml.jackson.databind.JsonNode;
import org.kerasbridge.layers.LayerConfig;

/** Reads Keras regularizer configs: names ({@code "l2"}) and dicts ({@code {"class_name": ...}}). */
public final class Regularizers {
  private Regularizers() {}

  /**
   * The regularizer in {@code config[key]}, or null when absent. Unsupported forms are reported
   * through the config's problem list.
   */
  public static Regularizer fromConfig(LayerConfig config, String key) {
    JsonNode n = config.node(key);
    if (n == null) {
      return null;
    }
    if (n.isTextual()) {
      switch (n.asText()) {
        case "l1": return new Regularizer(0.01, 0.0, "L1");
        case "l2": return new Regularizer(0.0, 0.01, "L2");
        case "l1_l2": return new Regularizer(0.0, 0.0, "L1L2");
        default:
          config.unsupported(key, n, "l1, l2, l1_l2 or an L1/L2/L1L2 config");
          return null;
      }
    }
    String cls = n.path("class_name").asText("");
    JsonNode c = n.path("config");
    switch (cls) {
      case "L1":
      case "l1":
        return new Regularizer(c.path("l1").asDouble(0.01), 0.0, "L1");
      case "L2":
      case "l2":
        return new Regularizer(0.0, c.path("l2").asDouble(0.01), "L2");
      case "L1L2":
      case "l1_l2":
        return new Regularizer(c.path("l1").asDouble(0.0), c.path("l2").asDouble(0.0), "L1L2");
      default:
        config.unsupported(key, n, "an L1, L2 or L1L2 regularizer");
        return null;
    }
  }
}
