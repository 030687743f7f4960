package org.kerasbridge.layers.merge;

import java.util.Map;
import org.kerasbridge.layers.LayerFactory;

/** The Keras class names this package implements, for the layer registry. */
public final class MergeLayers {
  private MergeLayers() {}

  public static void register(Map<String, LayerFactory> r) {
  }
}
