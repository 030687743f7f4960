package org.kerasbridge.layers.pooling;

import java.util.Map;
import org.kerasbridge.layers.LayerFactory;

/**
 * The Keras class names this package implements, for the layer registry. (Keras's aliases such
 * as {@code MaxPool2D} never appear in files: Keras serializes the class name.)
 */
public final class PoolingLayers {
  private PoolingLayers() {}

  public static void register(Map<String, LayerFactory> r) {
    r.put("MaxPooling1D", (c, ctx) -> new MaxPooling1D(c));
    r.put("MaxPooling2D", (c, ctx) -> new MaxPooling2D(c));
    r.put("AveragePooling1D", (c, ctx) -> new AveragePooling1D(c));
    r.put("AveragePooling2D", (c, ctx) -> new AveragePooling2D(c));
    r.put("GlobalMaxPooling1D", (c, ctx) -> new GlobalMaxPooling1D(c));
    r.put("GlobalMaxPooling2D", (c, ctx) -> new GlobalMaxPooling2D(c));
    r.put("GlobalAveragePooling1D", (c, ctx) -> new GlobalAveragePooling1D(c));
    r.put("GlobalAveragePooling2D", (c, ctx) -> new GlobalAveragePooling2D(c));
  }
}
