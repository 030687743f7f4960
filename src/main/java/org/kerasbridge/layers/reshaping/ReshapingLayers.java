package org.kerasbridge.layers.reshaping;

import java.util.Map;
import org.kerasbridge.layers.LayerFactory;

/** The Keras class names this package implements, for the layer registry. */
public final class ReshapingLayers {
  private ReshapingLayers() {}

  public static void register(Map<String, LayerFactory> r) {
  }
}
