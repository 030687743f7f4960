package org.kerasbridge.layers.conv;

import org.kerasbridge.layers.LayerConfig;

/**
 * {@code DepthwiseConv1D}: 1-D depthwise convolution, {@code in} channels to {@code in *
 * depth_multiplier}; kernel {@code (k..., in, depth_multiplier)} (see {@link BaseDepthwiseConv}).
 */
public final class DepthwiseConv1D extends BaseDepthwiseConv {
  public DepthwiseConv1D(LayerConfig c) {
    super(c, 1);
  }
}
