package org.kerasbridge.layers.rnn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.kerasbridge.layers.LayerConfig;
import org.kerasbridge.layers.Problems;

/**
 * {@code RNN}: the generic recurrent layer around one built-in cell given by its config
 * ({@code {"class_name": "LSTMCell" | "GRUCell" | "SimpleRNNCell", "config": {...}}}). It computes
 * exactly what the matching LSTM/GRU/SimpleRNN layer computes; the weights live at
 * {@code rnn/<cell name>/kernel}. Lists of cells ({@code StackedRNNCells}) and custom cells are
 * reported as unsupported.
 */
public final class RNN extends BaseRnn {
  public RNN(LayerConfig c) {
    super(c, cellFrom(c));
  }

  private static RnnCell cellFrom(LayerConfig c) {
    JsonNode node = c.node("cell");
    String cls = node == null ? "" : node.path("class_name").asText("");
    JsonNode cfg = node == null ? null : node.path("config");
    if (cfg != null && cfg.isObject()) {
      LayerConfig cc = new LayerConfig(cls, cfg, c.problems(), c.kerasVersion());
      RnnCell cell = switch (cls) {
        case "LSTMCell" -> new LSTMCell(cc, cc.name());
        case "GRUCell" -> new GRUCell(cc, cc.name());
        case "SimpleRNNCell" -> new SimpleRNNCell(cc, cc.name());
        default -> null;
      };
      if (cell != null) {
        cc.finish();
        return cell;
      }
    }
    c.unsupported("cell", node, "one built-in cell: LSTMCell, GRUCell or SimpleRNNCell");
    ObjectNode dummy = JsonNodeFactory.instance.objectNode().put("units", 1);
    return new SimpleRNNCell(new LayerConfig("SimpleRNNCell", dummy, new Problems("<unused>"),
        c.kerasVersion()), "cell");
  }
}
