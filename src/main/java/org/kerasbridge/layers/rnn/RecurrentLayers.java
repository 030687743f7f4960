package org.kerasbridge.layers.rnn;

import java.util.Map;
import org.kerasbridge.layers.LayerFactory;

/** The Keras class names this package implements, for the layer registry. */
public final class RecurrentLayers {
  private RecurrentLayers() {}

  public static void register(Map<String, LayerFactory> r) {
  }
}
