package org.kerasbridge.layers.conv;

import org.kerasbridge.layers.LayerConfig;

/**
 * {@code Conv1DTranspose}: {@code (batch, steps, in)} to {@code (batch, new_steps, filters)} with
 * kernel {@code (k, filters, in)}; output lengths as in {@link BaseConvTranspose}. Computed as a
 * 2-D transposed convolution over {@code (batch, 1, steps, in)}, as TensorFlow does.
 */
public final class Conv1DTranspose extends BaseConvTranspose {
  public Conv1DTranspose(LayerConfig c) {
    super(c, 1);
  }
}
