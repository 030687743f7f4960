package org.kerasbridge.layers.conv;

import org.kerasbridge.layers.LayerConfig;

/**
 * {@code Conv2DTranspose}: {@code (batch, rows, cols, in)} to {@code (batch, new_rows, new_cols,
 * filters)} with kernel {@code (kh, kw, filters, in)}; output lengths and {@code output_padding}
 * as in {@link BaseConvTranspose}.
 */
public final class Conv2DTranspose extends BaseConvTranspose {
  public Conv2DTranspose(LayerConfig c) {
    super(c, 2);
  }
}
