package org.kerasbridge.layers.conv;

import java.util.Map;
import org.kerasbridge.layers.LayerFactory;

/** The Keras class names this package implements, for the layer registry. */
public final class ConvLayers {
  private ConvLayers() {}

  public static void register(Map<String, LayerFactory> r) {
    r.put("Conv1D", (c, ctx) -> new Conv1D(c));
    r.put("Conv2D", (c, ctx) -> new Conv2D(c));
    r.put("Conv1DTranspose", (c, ctx) -> new Conv1DTranspose(c));
    r.put("Conv2DTranspose", (c, ctx) -> new Conv2DTranspose(c));
    r.put("DepthwiseConv1D", (c, ctx) -> new DepthwiseConv1D(c));
    r.put("DepthwiseConv2D", (c, ctx) -> new DepthwiseConv2D(c));
    r.put("SeparableConv1D", (c, ctx) -> new SeparableConv1D(c));
    r.put("SeparableConv2D", (c, ctx) -> new SeparableConv2D(c));
  }
}
