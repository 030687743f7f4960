package org.kerasbridge.layers.rnn;

import org.kerasbridge.layers.LayerConfig;

/**
 * {@code SimpleRNN}: a {@link SimpleRNNCell} ({@code simple_rnn_cell}) stepped by the
 * {@link BaseRnn} loop. Input {@code (batch, timesteps, features)}; output {@code (batch, units)},
 * or {@code (batch, timesteps, units)} with return_sequences; plus the final {@code h} with
 * return_state. Weights {@code simple_rnn/simple_rnn_cell/{kernel, recurrent_kernel, bias}}.
 */
public final class SimpleRNN extends BaseRnn {
  public SimpleRNN(LayerConfig c) {
    super(c, new SimpleRNNCell(c, "simple_rnn_cell"));
  }

  /** Checked against Keras under float16 and mixed_float16 policies (see {@link org.kerasbridge.layers.DTypePolicy}). */
  @Override
  protected boolean supportsPolicy(org.kerasbridge.layers.DTypePolicy policy) {
    return true;
  }
}
