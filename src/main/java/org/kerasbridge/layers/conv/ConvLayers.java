package org.kerasbridge.layers.conv;

import java.util.Map;
import org.kerasbridge.layers.LayerFactory;

/** The Keras class names this package implements, for the layer registry. */
public final class ConvLayers {
  private ConvLayers() {}

  public static void register(Map<String, LayerFactory> r) {
  }
}
