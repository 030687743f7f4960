package org.kerasbridge.layers.rnn;

/**
 * A recurrent layer that takes initial states after its input sequence: {@code [x, *states]},
 * as Keras 2 recorded {@code rnn(x, initial_state=states)} in inbound nodes ({@code
 * layer([x, h, c])}) and as Keras 3 records it in {@code kwargs.initial_state}. Only the
 * sequence's mask is used (Keras 2's {@code mask[0]}; Keras 3 masks by the first argument).
 */
public interface InitialStates {
  /** How many initial state tensors a call may take after the sequence. */
  int stateCount();
}
