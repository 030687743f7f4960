package org.kerasbridge.layers.pooling;

import org.kerasbridge.layers.LayerConfig;

/**
 * {@code AveragePooling2D}: the mean of the input values in each {@code pool_size} window (default (2, 2)), see
 * {@link BasePooling}.
 */
public final class AveragePooling2D extends BasePooling {
  public AveragePooling2D(LayerConfig c) {
    super(c, 2, false);
  }
}
