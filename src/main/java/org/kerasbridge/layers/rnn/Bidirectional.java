package org.kerasbridge.layers.rnn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.kerasbridge.graph.GraphRuntime;
import org.kerasbridge.layers.CallContext;
import org.kerasbridge.layers.Layer;
import org.kerasbridge.layers.LayerConfig;
import org.kerasbridge.layers.LayerContext;
import org.kerasbridge.layers.StatefulLayer;
import org.kerasbridge.layers.Weight;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TType;

/**
 * {@code Bidirectional}: runs a recurrent layer forward and a copy of it backward over the same
 * input, as Keras 3 does:
 *
 * <ul>
 *   <li>the forward layer is {@code layer} renamed {@code forward_<name>}; the backward layer is
 *       {@code backward_layer} when the config has one, else {@code layer} with
 *       {@code go_backwards=True} renamed {@code backward_<name>}. Both must be LSTM, GRU,
 *       SimpleRNN or RNN with different {@code go_backwards} and equal {@code stateful},
 *       {@code return_sequences} and {@code return_state};
 *   <li>{@code zero_output_for_mask} of both is forced to {@code return_sequences};
 *   <li>with return_sequences the backward output {@code (batch, timesteps, units)} is flipped
 *       back to input time order before merging;
 *   <li>merge_mode concat (last axis), sum, mul, ave ({@code (y + y_rev) / 2}), or None (two
 *       outputs {@code y, y_rev}); with return_state the forward states then the backward states
 *       follow;
 *   <li>weights: the forward layer's then the backward layer's, at {@code
 *       bidirectional/forward_lstm/lstm_cell/kernel} and so on.
 * </ul>
 */
public final class Bidirectional extends Layer implements StatefulLayer, InitialStates {
  private final String mergeMode;
  private final BaseRnn forward;
  private final BaseRnn backward;

  public Bidirectional(LayerConfig c, LayerContext ctx) {
    super(c);
    JsonNode merge = c.node("merge_mode");
    String m = merge == null ? null : merge.asText();
    if (m != null && !List.of("concat", "sum", "mul", "ave").contains(m)) {
      c.unsupported("merge_mode", merge, "one of concat, sum, mul, ave or null");
      m = "concat";
    }
    mergeMode = m;
    c.requireNeutral("num_constants", 0);
    JsonNode layerNode = c.node("layer");
    JsonNode backwardNode = c.node("backward_layer");
    BaseRnn f = null;
    BaseRnn b = null;
    if (layerNode == null || !layerNode.path("config").isObject()) {
      c.unsupported("its config has no 'layer' to wrap");
    } else {
      String name = layerNode.path("config").path("name").asText("");
      f = rnn(c, ctx, renamed(layerNode, "forward_" + removePrefix(name, "forward_"), false));
      if (backwardNode != null && backwardNode.path("config").isObject()) {
        b = rnn(c, ctx, backwardNode);
      } else {
        b = rnn(c, ctx, renamed(layerNode, "backward_" + removePrefix(name, "backward_"),
            true));
      }
    }
    if (f != null && b != null) {
      if (f.goBackwards() == b.goBackwards()) {
        c.unsupported("the forward and backward layers have the same go_backwards ("
            + f.goBackwards() + "); they must differ");
      }
      if (f.stateful() != b.stateful() || f.returnSequences() != b.returnSequences()
          || f.returnState() != b.returnState()) {
        c.unsupported("the forward and backward layers differ in stateful, return_sequences or"
            + " return_state; they must agree");
      }
      f.setZeroOutputForMask(f.returnSequences());
      b.setZeroOutputForMask(b.returnSequences());
    }
    forward = f;
    backward = b;
    c.finish();
  }

  private static String removePrefix(String s, String prefix) {
    return s.startsWith(prefix) ? s.substring(prefix.length()) : s;
  }

  private static JsonNode renamed(JsonNode layerNode, String name, boolean goBackwards) {
    ObjectNode copy = layerNode.deepCopy();
    ObjectNode cfg = (ObjectNode) copy.get("config");
    cfg.put("name", name);
    if (goBackwards) {
      cfg.put("go_backwards", true);
    }
    return copy;
  }

  private static BaseRnn rnn(LayerConfig c, LayerContext ctx, JsonNode node) {
    Layer l = ctx.create(node);
    if (l == null) {
      return null; // reported by the registry
    }
    if (l instanceof BaseRnn r) {
      return r;
    }
    c.unsupported("it wraps a " + l.className() + "; KerasBridge supports Bidirectional around"
        + " LSTM, GRU, SimpleRNN and RNN layers");
    return null;
  }

  public BaseRnn forwardLayer() {
    return forward;
  }

  public BaseRnn backwardLayer() {
    return backward;
  }

  /** The merge mode, or null for two separate outputs. */
  public String mergeMode() {
    return mergeMode;
  }

  @Override
  public int stateCount() {
    return forward.stateCount() + backward.stateCount();
  }

  @Override
  protected void build(List<Shape> inputShapes) {
    if (inputShapes.size() != 1 && inputShapes.size() != 1 + stateCount()) {
      throw new org.kerasbridge.KerasBridgeException(config.where() + " takes the sequence and"
          + " optionally " + stateCount() + " initial states (the forward layer's, then the"
          + " backward layer's), got " + inputShapes.size() + " inputs");
    }
    forward.setPathPrefix(pathPrefix() + "/" + forward.name());
    backward.setPathPrefix(pathPrefix() + "/" + backward.name());
  }

  @Override
  protected List<Operand<TFloat32>> call(Ops tf, List<Operand<? extends TType>> inputs,
      CallContext ctx) {
    // [x, *forward states, *backward states]: Keras splits the initial states in half
    List<Operand<? extends TType>> fIn = new ArrayList<>(inputs.subList(0, 1));
    List<Operand<? extends TType>> bIn = new ArrayList<>(inputs.subList(0, 1));
    if (inputs.size() > 1) {
      int half = (inputs.size() - 1) / 2;
      fIn.addAll(inputs.subList(1, 1 + half));
      bIn.addAll(inputs.subList(1 + half, inputs.size()));
    }
    List<Operand<TFloat32>> y = forward.apply(tf.withSubScope(
        GraphRuntime.opName(forward.name())), fIn, ctx);
    List<Operand<TFloat32>> yRev = backward.apply(tf.withSubScope(
        GraphRuntime.opName(backward.name())), bIn, ctx);
    Operand<TFloat32> a = y.get(0);
    Operand<TFloat32> b = yRev.get(0);
    if (forward.returnSequences()) {
      b = tf.reverse(b, tf.constant(new int[] {1}));
    }
    List<Operand<TFloat32>> out = new ArrayList<>();
    if (mergeMode == null) {
      out.add(a);
      out.add(b);
    } else {
      out.add(switch (mergeMode) {
        case "concat" -> tf.concat(List.of(a, b), tf.constant(-1));
        case "sum" -> tf.math.add(a, b);
        case "mul" -> tf.math.mul(a, b);
        default -> tf.math.div(tf.math.add(a, b), tf.constant(2f));
      });
    }
    out.addAll(y.subList(1, y.size()));
    out.addAll(yRev.subList(1, yRev.size()));
    return out;
  }

  @Override
  public List<Operand<TBool>> computeMask(Ops tf, List<Operand<? extends TType>> inputs,
      List<Operand<TBool>> masks, int outputCount) {
    Operand<TBool> m = forward.returnSequences() && !masks.isEmpty() ? masks.get(0) : null;
    List<Operand<TBool>> out = new ArrayList<>();
    out.add(m);
    if (mergeMode == null) {
      out.add(m);
    }
    while (out.size() < outputCount) {
      out.add(null);
    }
    return out;
  }

  @Override
  protected boolean supportsMasking() {
    return true;
  }

  /** The inner layers that could be created (both, unless the config was reported). */
  private List<BaseRnn> parts() {
    List<BaseRnn> p = new ArrayList<>();
    if (forward != null) {
      p.add(forward);
    }
    if (backward != null) {
      p.add(backward);
    }
    return p;
  }

  @Override
  public List<Weight> weights() {
    List<Weight> all = new ArrayList<>();
    parts().forEach(l -> all.addAll(l.weights()));
    return all;
  }

  @Override
  public List<Weight> trainableWeights() {
    List<Weight> all = new ArrayList<>();
    if (trainable()) {
      parts().forEach(l -> all.addAll(l.trainableWeights()));
    }
    return all;
  }

  @Override
  public List<RegularizedWeight> regularizedWeights() {
    List<RegularizedWeight> all = new ArrayList<>();
    parts().forEach(l -> all.addAll(l.regularizedWeights()));
    return all;
  }

  @Override
  public List<Op> resetOps() {
    List<Op> all = new ArrayList<>();
    parts().forEach(l -> all.addAll(l.resetOps()));
    return all;
  }

  /**
   * Keras: the forward layer's output shape, with the last dimension doubled for concat, twice
   * for merge_mode None; then the forward and the backward states.
   */
  @Override
  public List<Shape> computeOutputShape(List<Shape> inputShapes) {
    List<Shape> f = forward.computeOutputShape(inputShapes.subList(0, 1));
    List<Shape> b = backward.computeOutputShape(inputShapes.subList(0, 1));
    List<Shape> out = new ArrayList<>();
    Shape y = f.get(0);
    if (mergeMode == null) {
      out.add(y);
      out.add(b.get(0));
    } else if (mergeMode.equals("concat")) {
      out.add(org.kerasbridge.layers.Shapes.withLast(y,
          org.kerasbridge.layers.Shapes.plus(y.size(-1), b.get(0).size(-1))));
    } else {
      out.add(y);
    }
    out.addAll(f.subList(1, f.size()));
    out.addAll(b.subList(1, b.size()));
    return out;
  }
}
