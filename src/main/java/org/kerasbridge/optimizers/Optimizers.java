package org.kerasbridge.optimizers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;
import org.kerasbridge.UnsupportedFeatureException;

/** Keras optimizers by name or serialized config, with Keras 3's defaults. */
public final class Optimizers {
  private Optimizers() {}

  /** From a compile config entry: a name ({@code "adam"}) or a serialized optimizer. */
  public static Optimizer fromConfig(JsonNode n) {
    if (n == null || n.isNull()) {
      throw new UnsupportedFeatureException("no optimizer given");
    }
    if (n.isTextual()) {
      return create(n.asText(), (JsonNode) null);
    }
    String custom = org.kerasbridge.io.KerasJson.codeReference(n);
    if (custom != null) {
      throw new UnsupportedFeatureException("optimizer '" + n.path("class_name").asText("")
          + "' is " + custom + "; KerasBridge never imports or runs code named in a model file:"
          + " compile with a built-in optimizer (fit --optimizer)");
    }
    String cls = n.path("class_name").asText("");
    JsonNode config = n.path("config");
    if (config.isNull()) {
      config = JsonNodeFactory.instance.objectNode(); // Keras: config["config"] or {}
    } else if (!config.isObject() && !config.isMissingNode()) {
      throw new org.kerasbridge.InvalidInputException("optimizer '" + cls + "': its 'config' is"
          + " a JSON " + config.getNodeType().name().toLowerCase(Locale.ROOT)
          + "; expected a JSON object of arguments");
    }
    return create(cls, config);
  }

  /**
   * An optimizer by name with an optional learning rate override (null keeps the config's or
   * Keras's default).
   */
  public static Optimizer create(String name, Double learningRate) {
    ObjectNode c = JsonNodeFactory.instance.objectNode();
    if (learningRate != null) {
      c.put("learning_rate", learningRate);
    }
    return create(name, learningRate == null ? null : c);
  }

  private static Optimizer create(String cls, JsonNode c) {
    switch (cls.toLowerCase(Locale.ROOT)) {
      case "sgd": return new SGD(c);
      case "rmsprop": return new RMSprop(c);
      case "adam": return new Adam(c);
      case "adamw": return new AdamW(c);
      case "adagrad": return new Adagrad(c);
      case "adadelta": return new Adadelta(c);
      default:
        throw new UnsupportedFeatureException("optimizer '" + cls + "' is not supported"
            + " (SGD, RMSprop, Adam, AdamW, Adagrad, Adadelta)");
    }
  }
}
