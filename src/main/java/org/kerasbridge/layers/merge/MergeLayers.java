package org.kerasbridge.layers.merge;

import java.util.Map;
import org.kerasbridge.layers.LayerFactory;

/** The Keras class names this package implements, for the layer registry. */
public final class MergeLayers {
  private MergeLayers() {}

  public static void register(Map<String, LayerFactory> r) {
    r.put("Add", (c, ctx) -> new Add(c));
    r.put("Subtract", (c, ctx) -> new Subtract(c));
    r.put("Multiply", (c, ctx) -> new Multiply(c));
    r.put("Average", (c, ctx) -> new Average(c));
    r.put("Maximum", (c, ctx) -> new Maximum(c));
    r.put("Minimum", (c, ctx) -> new Minimum(c));
    r.put("Concatenate", (c, ctx) -> new Concatenate(c));
    r.put("Dot", (c, ctx) -> new Dot(c));
    r.put("CustomScaleLayer", (c, ctx) -> new CustomScaleLayer(c));
  }
}
