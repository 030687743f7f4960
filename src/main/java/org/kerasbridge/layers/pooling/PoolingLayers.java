package org.kerasbridge.layers.pooling;

import java.util.Map;
import org.kerasbridge.layers.LayerFactory;

/** The Keras class names this package implements, for the layer registry. */
public final class PoolingLayers {
  private PoolingLayers() {}

  public static void register(Map<String, LayerFactory> r) {
    put(r, "MaxPooling1D", "MaxPool1D", (c, ctx) -> new MaxPooling1D(c));
    put(r, "MaxPooling2D", "MaxPool2D", (c, ctx) -> new MaxPooling2D(c));
    put(r, "AveragePooling1D", "AvgPool1D", (c, ctx) -> new AveragePooling1D(c));
    put(r, "AveragePooling2D", "AvgPool2D", (c, ctx) -> new AveragePooling2D(c));
    put(r, "GlobalMaxPooling1D", "GlobalMaxPool1D", (c, ctx) -> new GlobalMaxPooling1D(c));
    put(r, "GlobalMaxPooling2D", "GlobalMaxPool2D", (c, ctx) -> new GlobalMaxPooling2D(c));
    put(r, "GlobalAveragePooling1D", "GlobalAvgPool1D",
        (c, ctx) -> new GlobalAveragePooling1D(c));
    put(r, "GlobalAveragePooling2D", "GlobalAvgPool2D",
        (c, ctx) -> new GlobalAveragePooling2D(c));
  }

  /** A class and the alias Keras exports it under (both appear as class names in files). */
  private static void put(Map<String, LayerFactory> r, String name, String alias,
      LayerFactory f) {
    r.put(name, f);
    r.put(alias, f);
  }
}
