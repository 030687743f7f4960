package org.kerasbridge.layers.pooling;

import java.util.Map;
import org.kerasbridge.layers.LayerFactory;

/** The Keras class names this package implements, for the layer registry. */
public final class PoolingLayers {
  private PoolingLayers() {}

  public static void register(Map<String, LayerFactory> r) {
  }
}
