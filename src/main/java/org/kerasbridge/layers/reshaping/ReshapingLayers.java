package org.kerasbridge.layers.reshaping;

import java.util.Map;
import org.kerasbridge.layers.LayerFactory;

/** The Keras class names this package implements, for the layer registry. */
public final class ReshapingLayers {
  private ReshapingLayers() {}

  public static void register(Map<String, LayerFactory> r) {
    r.put("ZeroPadding1D", (c, ctx) -> new ZeroPadding1D(c));
    r.put("Resizing", (c, ctx) -> new Resizing(c));
    r.put("ZeroPadding2D", (c, ctx) -> new ZeroPadding2D(c));
    r.put("Cropping1D", (c, ctx) -> new Cropping1D(c));
    r.put("Cropping2D", (c, ctx) -> new Cropping2D(c));
    r.put("UpSampling1D", (c, ctx) -> new UpSampling1D(c));
    r.put("UpSampling2D", (c, ctx) -> new UpSampling2D(c));
    r.put("Reshape", (c, ctx) -> new Reshape(c));
    r.put("Permute", (c, ctx) -> new Permute(c));
    r.put("RepeatVector", (c, ctx) -> new RepeatVector(c));
  }
}
