package org.kerasbridge.layers.rnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.kerasbridge.layers.Layer;
import org.kerasbridge.layers.Weight;
import org.kerasbridge.layers.core.LayerHarness;
import org.kerasbridge.ndarray.NpyArray;

/**
 * Bidirectional and TimeDistributed as Keras 3 builds them: inner layer names and variable
 * paths, weight order, the backward half flipped back, merge modes, state outputs, masks; and
 * TimeDistributed as one inner call per timestep.
 */
class WrappersTest {
  private static final double EXACT = 1e-6;
  private static final long B = 2;
  private static final long T = 4;
  private static final long F = 3;

  private static String bidi(String merge, String inner) {
    return "{'name': 'bidirectional', 'merge_mode': " + merge + ", 'layer': {'class_name':"
        + " 'LSTM', 'config': {'name': 'lstm', 'units': 2" + inner + "}}}";
  }

  @Test
  void innerLayersAreNamedAndOrderedAsInKeras3() {
    Layer l = LayerHarness.create("Bidirectional", bidi("'concat'", ""));
    try (LayerRun r = new LayerRun(l, new long[] {-1, T, F}, false, false)) {
      List<String> paths = new ArrayList<>();
      for (Weight w : l.weights()) {
        paths.add(w.path());
      }
      assertEquals(List.of("bidirectional/forward_lstm/lstm_cell/kernel",
          "bidirectional/forward_lstm/lstm_cell/recurrent_kernel",
          "bidirectional/forward_lstm/lstm_cell/bias",
          "bidirectional/backward_lstm/lstm_cell/kernel",
          "bidirectional/backward_lstm/lstm_cell/recurrent_kernel",
          "bidirectional/backward_lstm/lstm_cell/bias"), paths);
    }
  }

  @Test
  void aGivenBackwardLayerIsUsedAsIs() {
    Layer l = LayerHarness.create("Bidirectional", "{'name': 'bi', 'merge_mode': 'concat',"
        + " 'layer': {'class_name': 'LSTM', 'config': {'name': 'forward_lstm', 'units': 2}},"
        + " 'backward_layer': {'class_name': 'GRU', 'config': {'name': 'backward_gru',"
        + " 'units': 2, 'go_backwards': true}}}");
    Bidirectional b = (Bidirectional) l;
    assertEquals("forward_lstm", b.forwardLayer().name());
    assertEquals("backward_gru", b.backwardLayer().name());
    assertTrue(b.backwardLayer() instanceof GRU);
  }

  /** merge(forward(x), flip(backward(x))) with the halves computed by plain LSTMs. */
  @ParameterizedTest
  @ValueSource(strings = {"concat", "sum", "mul", "ave", "None"})
  void mergeModesCombineForwardAndFlippedBackward(String merge) {
    NpyArray x = Seq.random(21, B, T, F);
    String m = merge.equals("None") ? "null" : "'" + merge + "'";
    Layer l = LayerHarness.create("Bidirectional", bidi(m, ", 'return_sequences': true"));
    try (LayerRun bi = new LayerRun(l, new long[] {-1, T, F}, false, false);
        LayerRun fwd = new LayerRun(LayerHarness.create("LSTM", "{'name': 'f', 'units': 2,"
            + " 'return_sequences': true}"), new long[] {-1, T, F}, false, false);
        LayerRun bwd = new LayerRun(LayerHarness.create("LSTM", "{'name': 'b', 'units': 2,"
            + " 'return_sequences': true, 'go_backwards': true}"), new long[] {-1, T, F},
            false, false)) {
      List<NpyArray> w = bi.randomWeights(3);
      fwd.setWeights(w.subList(0, 3));
      bwd.setWeights(w.subList(3, 6));
      float[] y = fwd.run(x).get(0).toFloatArray();
      float[] yr = Seq.reverseTime(bwd.run(x).get(0)).toFloatArray();
      List<NpyArray> out = bi.run(x);
      if (merge.equals("None")) {
        assertEquals(2, out.size());
        Seq.close(y, out.get(0).toFloatArray(), EXACT, "forward");
        Seq.close(yr, out.get(1).toFloatArray(), EXACT, "backward, flipped");
        return;
      }
      float[] got = out.get(0).toFloatArray();
      for (int i = 0; i < y.length; i++) {
        int row = i / 2;
        int u = i % 2;
        double want = switch (merge) {
          case "sum" -> y[i] + yr[i];
          case "mul" -> y[i] * yr[i];
          case "ave" -> (y[i] + yr[i]) / 2;
          default -> Double.NaN;
        };
        if (merge.equals("concat")) {
          assertEquals(y[i], got[row * 4 + u], EXACT);
          assertEquals(yr[i], got[row * 4 + 2 + u], EXACT);
        } else {
          assertEquals(want, got[i], EXACT);
        }
      }
    }
  }

  @Test
  void returnStateGivesForwardThenBackwardStates() {
    NpyArray x = Seq.random(22, B, T, F);
    Layer l = LayerHarness.create("Bidirectional", bidi("'concat'", ", 'return_state': true"));
    try (LayerRun bi = new LayerRun(l, new long[] {-1, T, F}, false, false)) {
      bi.randomWeights(5);
      List<NpyArray> out = bi.run(x);
      assertEquals(5, out.size());
      // without return_sequences the forward h is the first half of the merged output
      for (int b = 0; b < B; b++) {
        float[] merged = Seq.row(out.get(0), b);
        Seq.close(new float[] {merged[0], merged[1]}, Seq.row(out.get(1), b), 0, "forward h");
        Seq.close(new float[] {merged[2], merged[3]}, Seq.row(out.get(3), b), 0, "backward h");
      }
    }
  }

  /** Keras forces zero_output_for_mask = return_sequences on both halves. */
  @Test
  void maskedStepsAreZeroInBothHalves() {
    NpyArray x = Seq.random(23, B, T, F);
    NpyArray m = Seq.mask(new int[] {1, 1, 0, 0}, new int[] {0, 1, 1, 1});
    Layer l = LayerHarness.create("Bidirectional", bidi("'concat'",
        ", 'return_sequences': true"));
    try (LayerRun bi = new LayerRun(l, new long[] {-1, T, F}, true, false)) {
      bi.randomWeights(8);
      NpyArray y = bi.run(x, m).get(0);
      float[] mm = m.toFloatArray();
      for (int b = 0; b < B; b++) {
        for (int t = 0; t < T; t++) {
          float[] v = Seq.at(y, b, t);
          boolean zero = true;
          for (float f : v) {
            zero &= f == 0f;
          }
          assertEquals(mm[(int) (b * T + t)] == 0, zero, "sample " + b + " step " + t);
        }
      }
      Seq.close(m, bi.masks(x, m).get(0), 0, "mask passes on");
    }
  }

  @Test
  void withoutReturnSequencesTheMaskStops() {
    NpyArray x = Seq.random(24, B, T, F);
    NpyArray m = Seq.mask(new int[] {1, 1, 0, 0}, new int[] {0, 1, 1, 1});
    Layer l = LayerHarness.create("Bidirectional", bidi("null", ""));
    try (LayerRun bi = new LayerRun(l, new long[] {-1, T, F}, true, false)) {
      bi.randomWeights(8);
      List<NpyArray> masks = bi.masks(x, m);
      assertEquals(2, masks.size());
      assertNull(masks.get(0));
      assertNull(masks.get(1));
    }
  }

  @Test
  void timeDistributedAppliesTheLayerAtEveryStep() {
    NpyArray x = Seq.random(25, B, T, F);
    Layer l = LayerHarness.create("TimeDistributed", "{'name': 'time_distributed', 'layer':"
        + " {'class_name': 'Dense', 'config': {'name': 'dense', 'units': 2}}}");
    try (LayerRun td = new LayerRun(l, new long[] {-1, T, F}, false, false)) {
      List<NpyArray> w = td.randomWeights(4);
      assertEquals("time_distributed/dense/kernel", l.weights().get(0).path());
      float[] k = w.get(0).toFloatArray();
      float[] bias = w.get(1).toFloatArray();
      NpyArray y = td.run(x).get(0);
      assertEquals(List.of(B, T, 2L), List.of(y.shape()[0], y.shape()[1], y.shape()[2]));
      for (int b = 0; b < B; b++) {
        for (int t = 0; t < T; t++) {
          float[] in = Seq.at(x, b, t);
          float[] want = new float[2];
          for (int u = 0; u < 2; u++) {
            double s = 0;
            for (int f = 0; f < F; f++) {
              s += in[f] * k[f * 2 + u];
            }
            want[u] = (float) (s + bias[u]);
          }
          Seq.close(want, Seq.at(y, b, t), 1e-5, "step " + t);
        }
      }
    }
  }

  @Test
  void timeDistributedPassesTheMaskOn() {
    NpyArray x = Seq.random(26, B, T, F);
    NpyArray m = Seq.mask(new int[] {1, 1, 0, 0}, new int[] {0, 1, 1, 1});
    Layer l = LayerHarness.create("TimeDistributed", "{'name': 'td', 'layer':"
        + " {'class_name': 'Dense', 'config': {'name': 'dense', 'units': 2}}}");
    try (LayerRun td = new LayerRun(l, new long[] {-1, T, F}, true, false)) {
      td.randomWeights(1);
      Seq.close(m, td.masks(x, m).get(0), 0, "mask");
    }
  }
}
