package org.kerasbridge.layers.rnn;

import java.util.Map;
import org.kerasbridge.layers.LayerFactory;

/** The Keras class names this package implements, for the layer registry. */
public final class RecurrentLayers {
  private RecurrentLayers() {}

  public static void register(Map<String, LayerFactory> r) {
    r.put("SimpleRNN", (c, ctx) -> new SimpleRNN(c));
    r.put("LSTM", (c, ctx) -> new LSTM(c));
    r.put("GRU", (c, ctx) -> new GRU(c));
    r.put("RNN", (c, ctx) -> new RNN(c));
    r.put("Bidirectional", Bidirectional::new);
    r.put("TimeDistributed", TimeDistributed::new);
    r.put("Embedding", (c, ctx) -> new Embedding(c));
    r.put("Masking", (c, ctx) -> new Masking(c));
  }
}
