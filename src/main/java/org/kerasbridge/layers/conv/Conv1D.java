package org.kerasbridge.layers.conv;

import org.kerasbridge.layers.LayerConfig;

/**
 * {@code Conv1D}: {@code (batch, steps, channels)} (or {@code (batch, channels, steps)} with
 * channels_first) to {@code (batch, new_steps, filters)}; kernel {@code (k, in / groups,
 * filters)}. {@code padding="causal"} left-pads the steps by {@code dilation * (k - 1)} zeros
 * and then convolves with {@code valid}, so output {@code t} sees inputs {@code <= t} only.
 */
public final class Conv1D extends BaseConv {
  public Conv1D(LayerConfig c) {
    super(c, 1);
  }

  /** Checked against Keras under float16 and mixed_float16 policies (see {@link org.kerasbridge.layers.DTypePolicy}). */
  @Override
  protected boolean supportsPolicy(org.kerasbridge.layers.DTypePolicy policy) {
    return true;
  }
}
