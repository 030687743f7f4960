package org.kerasbridge.layers.rnn;

import org.kerasbridge.layers.LayerConfig;

/**
 * {@code LSTM}: an {@link LSTMCell} ({@code lstm_cell}) stepped by the {@link BaseRnn} loop.
 * Input {@code (batch, timesteps, features)}; output {@code (batch, units)}, or {@code (batch,
 * timesteps, units)} with return_sequences; plus the final {@code h} and {@code c} with
 * return_state. Weights {@code lstm/lstm_cell/{kernel, recurrent_kernel, bias}}.
 */
public final class LSTM extends BaseRnn {
  public LSTM(LayerConfig c) {
    super(c, new LSTMCell(c, "lstm_cell"));
  }

  /** Checked against Keras under float16 and mixed_float16 policies (see {@link org.kerasbridge.layers.DTypePolicy}). */
  @Override
  protected boolean supportsPolicy(org.kerasbridge.layers.DTypePolicy policy) {
    return true;
  }
}
