package org.kerasbridge.layers.rnn;

import org.kerasbridge.layers.LayerConfig;

/**
 * {@code GRU}: a {@link GRUCell} ({@code gru_cell}) stepped by the {@link BaseRnn} loop. Input
 * {@code (batch, timesteps, features)}; output {@code (batch, units)}, or {@code (batch,
 * timesteps, units)} with return_sequences; plus the final {@code h} with return_state. Weights
 * {@code gru/gru_cell/{kernel, recurrent_kernel, bias}}, bias {@code (2, 3*units)} with
 * reset_after, else {@code (3*units,)}.
 */
public final class GRU extends BaseRnn {
  public GRU(LayerConfig c) {
    super(c, new GRUCell(c, "gru_cell"));
  }

  /** Checked against Keras under float16 and mixed_float16 policies (see {@link org.kerasbridge.layers.DTypePolicy}). */
  @Override
  protected boolean supportsPolicy(org.kerasbridge.layers.DTypePolicy policy) {
    return true;
  }
}
