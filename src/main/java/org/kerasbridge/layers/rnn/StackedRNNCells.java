package org.kerasbridge.layers.rnn;

import java.util.ArrayList;
import java.util.List;
import org.kerasbridge.layers.CallContext;
import org.kerasbridge.layers.LayerConfig;
import org.kerasbridge.layers.Shapes;
import org.kerasbridge.layers.Weight;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * {@code StackedRNNCells}: cells applied one after the other within each time step, as Keras 3's
 * {@code stacked_rnn_cells.py} does: cell {@code i} takes cell {@code i - 1}'s output as its
 * input and its own states; the output is the last cell's. The states are the cells' states in
 * order, flattened ({@code [h1, c1, h2, h3]} for LSTMCell, GRUCell, SimpleRNNCell), which is how
 * Keras's nested states appear among a Functional model's tensors ({@code return_state}) and in
 * {@code initial_state}. Weights: each cell's, in order, at {@code rnn/stacked_rnn_cells/
 * lstm_cell/kernel} and so on.
 */
public final class StackedRNNCells extends RnnCell {
  private final List<RnnCell> cells;

  StackedRNNCells(LayerConfig c, List<RnnCell> cells) {
    super(c, c.name(), cells.get(cells.size() - 1).units());
    this.cells = List.copyOf(cells);
  }

  public List<RnnCell> cells() {
    return cells;
  }

  @Override
  public int[] stateSizes() {
    List<Integer> all = new ArrayList<>();
    for (RnnCell cell : cells) {
      for (int s : cell.stateSizes()) {
        all.add(s);
      }
    }
    return all.stream().mapToInt(Integer::intValue).toArray();
  }

  @Override
  void buildCell(long inputDim) {
    long dim = inputDim;
    for (RnnCell cell : cells) {
      cell.setPathPrefix(pathPrefix() + "/" + cell.cellName());
      cell.buildCell(dim);
      dim = cell.units();
    }
  }

  @Override
  StepFunction begin(Ops tf, Operand<TFloat32> x0, Operand<TFloat32> h0, CallContext ctx) {
    List<StepFunction> steps = new ArrayList<>();
    Operand<TFloat32> x = x0;
    for (RnnCell cell : cells) {
      // the step input and first state only give the dropout masks their shapes
      Operand<TFloat32> h = tf.zeros(Shapes.batchAnd(tf, x0, cell.stateSizes()[0]),
          TFloat32.class);
      steps.add(cell.begin(tf, x, h, ctx));
      x = tf.zeros(Shapes.batchAnd(tf, x0, cell.units()), TFloat32.class);
    }
    // the first cell's input projection (if any) runs over the whole sequence in the loop; the
    // others' inputs are the previous cell's outputs, one step at a time
    StepFunction stacked = (s, input, states) -> {
      Operand<TFloat32> y = input;
      List<Operand<TFloat32>> next = new ArrayList<>();
      int at = 0;
      for (int i = 0; i < cells.size(); i++) {
        int n = cells.get(i).stateSizes().length;
        InputProjection p = steps.get(i).projection();
        if (i > 0 && p != null) {
          y = p.apply(s, y);
        }
        StepResult r = steps.get(i).step(s, y, states.subList(at, at + n));
        at += n;
        y = r.output();
        next.addAll(r.states());
      }
      return new StepResult(y, next);
    };
    InputProjection first = steps.get(0).projection();
    return first == null ? stacked : projected(first, stacked);
  }

  @Override
  public List<Weight> weights() {
    List<Weight> all = new ArrayList<>();
    cells.forEach(c -> all.addAll(c.weights()));
    return all;
  }

  @Override
  public List<RegularizedWeight> regularizedWeights() {
    List<RegularizedWeight> all = new ArrayList<>();
    cells.forEach(c -> all.addAll(c.regularizedWeights()));
    return all;
  }
}
