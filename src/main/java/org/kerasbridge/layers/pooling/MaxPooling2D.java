package org.kerasbridge.layers.pooling;

import org.kerasbridge.layers.LayerConfig;

/**
 * {@code MaxPooling2D}: the largest value in each {@code pool_size} window (default (2, 2)), see
 * {@link BasePooling}.
 */
public final class MaxPooling2D extends BasePooling {
  public MaxPooling2D(LayerConfig c) {
    super(c, 2, true);
  }
}
