package org.kerasbridge.layers.conv;

import org.kerasbridge.layers.LayerConfig;

/**
 * {@code Conv2D}: {@code (batch, rows, cols, channels)} (or {@code (batch, channels, rows,
 * cols)}) to {@code (batch, new_rows, new_cols, filters)}; kernel {@code (kh, kw, in / groups,
 * filters)}, bias {@code (filters,)}. Output lengths follow {@link Window}.
 */
public final class Conv2D extends BaseConv {
  public Conv2D(LayerConfig c) {
    super(c, 2);
  }

  /** Checked against Keras under float16 and mixed_float16 policies (see {@link org.kerasbridge.layers.DTypePolicy}). */
  @Override
  protected boolean supportsPolicy(org.kerasbridge.layers.DTypePolicy policy) {
    return true;
  }
}
