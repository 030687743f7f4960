package org.kerasbridge.layers.pooling;

import org.kerasbridge.layers.LayerConfig;

/**
 * {@code AveragePooling1D}: the mean of the input values in each {@code pool_size} window (default 2), see
 * {@link BasePooling}.
 */
public final class AveragePooling1D extends BasePooling {
  public AveragePooling1D(LayerConfig c) {
    super(c, 1, false);
  }
}
