package org.kerasbridge.layers;

/** Creates a layer from its config; one per Keras class name, in {@link org.kerasbridge.io.LayerRegistry}. */
@FunctionalInterface
public interface LayerFactory {
  Layer create(LayerConfig config, LayerContext context);
}
