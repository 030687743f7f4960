package org.kerasbridge.layers;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What a layer factory may need beyond the layer's own config: a way to create the layers it
 * wraps (Bidirectional, TimeDistributed, nested models) through the same registry.
 */
public interface LayerContext {
  /** Creates a layer from a {@code {"class_name": ..., "config": ...}} node. */
  Layer create(JsonNode layerNode);

  /** The {@code keras_version} of the file being read ("" for models built in Java). */
  String kerasVersion();

  /** Where problems are collected. */
  Problems problems();
}
