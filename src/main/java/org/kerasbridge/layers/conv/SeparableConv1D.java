package org.kerasbridge.layers.conv;

import org.kerasbridge.layers.LayerConfig;

/**
 * {@code SeparableConv1D}: 1-D depthwise convolution then a pointwise (1x1) one; weights
 * {@code depthwise_kernel}, {@code pointwise_kernel}, {@code bias} (see {@link BaseSeparableConv}).
 */
public final class SeparableConv1D extends BaseSeparableConv {
  public SeparableConv1D(LayerConfig c) {
    super(c, 1);
  }
}
