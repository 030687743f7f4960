package org.kerasbridge.layers.pooling;

import org.kerasbridge.layers.LayerConfig;

/**
 * {@code MaxPooling1D}: the largest value in each {@code pool_size} window (default 2), see
 * {@link BasePooling}.
 */
public final class MaxPooling1D extends BasePooling {
  public MaxPooling1D(LayerConfig c) {
    super(c, 1, true);
  }
}
