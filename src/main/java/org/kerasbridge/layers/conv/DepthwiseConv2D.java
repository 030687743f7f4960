package org.kerasbridge.layers.conv;

import org.kerasbridge.layers.LayerConfig;

/**
 * {@code DepthwiseConv2D}: 2-D depthwise convolution, {@code in} channels to {@code in *
 * depth_multiplier}; kernel {@code (k..., in, depth_multiplier)} (see {@link BaseDepthwiseConv}).
 */
public final class DepthwiseConv2D extends BaseDepthwiseConv {
  public DepthwiseConv2D(LayerConfig c) {
    super(c, 2);
  }
}
