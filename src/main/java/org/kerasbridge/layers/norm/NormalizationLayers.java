package org.kerasbridge.layers.norm;

import java.util.Map;
import org.kerasbridge.layers.LayerFactory;

/** The Keras class names this package implements, for the layer registry. */
public final class NormalizationLayers {
  private NormalizationLayers() {}

  public static void register(Map<String, LayerFactory> r) {
    r.put("BatchNormalization", (c, ctx) -> new BatchNormalization(c));
    r.put("LayerNormalization", (c, ctx) -> new LayerNormalization(c));
    r.put("Normalization", (c, ctx) -> new Normalization(c));
  }
}
