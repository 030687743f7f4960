/**
 * Recurrent layers as Keras 3 builds them: cells ({@link org.kerasbridge.layers.rnn.LSTMCell},
 * {@link org.kerasbridge.layers.rnn.GRUCell}, {@link org.kerasbridge.layers.rnn.SimpleRNNCell})
 * stepped by one loop ({@link org.kerasbridge.layers.rnn.BaseRnn}) that handles timesteps,
 * masks, go_backwards and stateful state; the wrappers Bidirectional and TimeDistributed; and the
 * layers that make sequence masks, Embedding(mask_zero) and Masking.
 */
package org.kerasbridge.layers.rnn;
