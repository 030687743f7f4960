package org.kerasbridge.layers.conv;

import org.kerasbridge.layers.LayerConfig;

/**
 * {@code SeparableConv2D}: 2-D depthwise convolution then a pointwise (1x1) one; weights
 * {@code depthwise_kernel}, {@code pointwise_kernel}, {@code bias} (see {@link BaseSeparableConv}).
 */
public final class SeparableConv2D extends BaseSeparableConv {
  public SeparableConv2D(LayerConfig c) {
    super(c, 2);
  }
}
