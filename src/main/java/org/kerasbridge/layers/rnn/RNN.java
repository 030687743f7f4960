package org.kerasbridge.layers.rnn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.kerasbridge.layers.LayerConfig;
import org.kerasbridge.layers.Problems;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code RNN}: the generic recurrent layer around one built-in cell given by its config
 * ({@code {"class_name": "LSTMCell" | "GRUCell" | "SimpleRNNCell", "config": {...}}}). It computes
 * exactly what the matching LSTM/GRU/SimpleRNN layer computes; the weights live at
 * {@code rnn/<cell name>/kernel}. {@link StackedRNNCells} of built-in cells are supported; custom
 * cells and plain lists of cells are reported as unsupported.
 */
public final class RNN extends BaseRnn {
  public RNN(LayerConfig c) {
    super(c, cellFrom(c));
  }

  private static RnnCell cellFrom(LayerConfig c) {
    JsonNode node = c.node("cell");
    RnnCell cell = cell(c, node);
    if (cell != null) {
      return cell;
    }
    c.unsupported("cell", node, "a built-in cell (LSTMCell, GRUCell or SimpleRNNCell), or"
        + " StackedRNNCells of them");
    ObjectNode dummy = JsonNodeFactory.instance.objectNode().put("units", 1);
    return new SimpleRNNCell(new LayerConfig("SimpleRNNCell", dummy, new Problems("<unused>"),
        c.kerasVersion()), "cell");
  }

  /** The cell a {@code {"class_name", "config"}} entry describes, or null. */
  private static RnnCell cell(LayerConfig c, JsonNode node) {
    String cls = node == null ? "" : node.path("class_name").asText("");
    JsonNode cfg = node == null ? null : node.path("config");
    if (cfg == null || !cfg.isObject()) {
      return null;
    }
    LayerConfig cc = new LayerConfig(cls, cfg, c.problems(), c.kerasVersion());
    RnnCell cell = switch (cls) {
      case "LSTMCell" -> new LSTMCell(cc, cc.name());
      case "GRUCell" -> new GRUCell(cc, cc.name());
      case "SimpleRNNCell" -> new SimpleRNNCell(cc, cc.name());
      case "StackedRNNCells" -> stacked(c, cc);
      default -> null;
    };
    if (cell != null) {
      cc.finish();
    }
    return cell;
  }

  private static RnnCell stacked(LayerConfig c, LayerConfig cc) {
    JsonNode list = cc.node("cells");
    List<RnnCell> cells = new ArrayList<>();
    if (list != null && list.isArray()) {
      for (JsonNode n : list) {
        RnnCell one = cell(c, n);
        if (one == null) {
          cc.unsupported("cells", n, "built-in cells: LSTMCell, GRUCell or SimpleRNNCell");
          return null;
        }
        cells.add(one);
      }
    }
    if (cells.isEmpty()) {
      cc.unsupported("cells", list, "a non-empty list of cells");
      return null;
    }
    return new StackedRNNCells(cc, cells);
  }
}
