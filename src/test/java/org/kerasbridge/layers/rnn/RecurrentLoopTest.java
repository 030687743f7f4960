package org.kerasbridge.layers.rnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.kerasbridge.KerasBridgeException;
import org.kerasbridge.layers.Layer;
import org.kerasbridge.layers.core.LayerHarness;
import org.kerasbridge.ndarray.NpyArray;

/**
 * The loop semantics of Keras 3's {@code RNN} + TF backend {@code rnn()}, checked as identities
 * between runs of the same weights (the numbers themselves are checked against Keras by
 * {@link RecurrentFixturesTest}): go_backwards order, return_state, masks (state carried,
 * previous output repeated or zeros), Keras's unroll/zero_output_for_mask quirk, stateful state.
 */
class RecurrentLoopTest {
  private static final double EXACT = 1e-6;
  private static final long B = 3;
  private static final long T = 5;
  private static final long F = 2;

  private static Layer rnn(String cls, String extra) {
    return LayerHarness.create(cls, "{'name': 'r', 'units': 4" + extra + "}");
  }

  private static LayerRun run(String cls, String extra, boolean mask) {
    return new LayerRun(rnn(cls, extra), new long[] {-1, T, F}, mask, false);
  }

  @ParameterizedTest
  @ValueSource(strings = {"SimpleRNN", "LSTM", "GRU"})
  void goBackwardsReadsTheReversedInputAndKeepsProcessingOrder(String cls) {
    NpyArray x = Seq.random(1, B, T, F);
    try (LayerRun fwd = run(cls, ", 'return_sequences': true", false);
        LayerRun bwd = run(cls, ", 'return_sequences': true, 'go_backwards': true", false)) {
      bwd.setWeights(fwd.randomWeights(7));
      // Keras returns the backward sequence as processed: step 0 is the last timestep
      Seq.close(fwd.run(Seq.reverseTime(x)).get(0), bwd.run(x).get(0), EXACT, cls);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"SimpleRNN", "LSTM", "GRU"})
  void returnStateAddsTheFinalStates(String cls) {
    NpyArray x = Seq.random(2, B, T, F);
    try (LayerRun r = run(cls, ", 'return_state': true", false);
        LayerRun seq = run(cls, ", 'return_sequences': true, 'return_state': true", false)) {
      seq.setWeights(r.randomWeights(3));
      List<NpyArray> out = r.run(x);
      List<NpyArray> outSeq = seq.run(x);
      int states = cls.equals("LSTM") ? 2 : 1;
      assertEquals(1 + states, out.size());
      assertEquals(1 + states, outSeq.size());
      // without return_sequences the output is h itself
      Seq.close(out.get(0), out.get(1), 0, "output == h");
      for (int b = 0; b < B; b++) {
        Seq.close(Seq.at(outSeq.get(0), b, (int) T - 1), Seq.row(outSeq.get(1), b), EXACT,
            "h is the last output");
      }
      for (int k = 1; k <= states; k++) {
        Seq.close(out.get(k), outSeq.get(k), EXACT, "state " + k);
      }
    }
  }

  /** Masked steps carry the state and repeat the previous output (zeros before any step). */
  @ParameterizedTest
  @ValueSource(strings = {"SimpleRNN", "LSTM", "GRU"})
  void maskedStepsCarryStateAndRepeatTheOutput(String cls) {
    NpyArray x = Seq.random(3, B, T, F);
    NpyArray m = Seq.mask(new int[] {1, 1, 1, 0, 0}, new int[] {0, 0, 1, 1, 1},
        new int[] {1, 0, 1, 0, 1});
    int states = cls.equals("LSTM") ? 2 : 1;
    try (LayerRun masked = run(cls, ", 'return_sequences': true, 'return_state': true", true);
        LayerRun plain3 = new LayerRun(rnn(cls, ", 'return_sequences': true,"
            + " 'return_state': true"), new long[] {-1, 3, F}, false, false)) {
      plain3.setWeights(masked.randomWeights(11));
      List<NpyArray> out = masked.run(x, m);
      NpyArray seq = out.get(0);
      // sample 0: trailing steps masked = the first 3 steps alone, then repeated
      List<NpyArray> head = plain3.run(Seq.steps(x, 0, 3));
      for (int t = 0; t < 3; t++) {
        Seq.close(Seq.at(head.get(0), 0, t), Seq.at(seq, 0, t), EXACT, "sample 0 step " + t);
      }
      for (int t = 3; t < T; t++) {
        Seq.close(Seq.at(seq, 0, 2), Seq.at(seq, 0, t), 0, "repeated output, step " + t);
      }
      for (int k = 1; k <= states; k++) {
        Seq.close(Seq.row(head.get(k), 0), Seq.row(out.get(k), 0), EXACT, "carried state " + k);
      }
      // sample 1: leading steps masked = zeros, then the last 3 steps from a zero state
      List<NpyArray> tail = plain3.run(Seq.steps(x, 2, 5));
      for (int t = 0; t < 2; t++) {
        Seq.close(new float[4], Seq.at(seq, 1, t), 0, "zeros before the first step");
      }
      for (int t = 2; t < T; t++) {
        Seq.close(Seq.at(tail.get(0), 1, t - 2), Seq.at(seq, 1, t), EXACT, "sample 1 step " + t);
      }
      // sample 2: a masked step in the middle repeats the previous output
      Seq.close(Seq.at(seq, 2, 0), Seq.at(seq, 2, 1), 0, "middle masked step");
      Seq.close(Seq.at(seq, 2, 2), Seq.at(seq, 2, 3), 0, "middle masked step");
      // the mask passes on with return_sequences, not to the states
      List<NpyArray> masks = masked.masks(x, m);
      Seq.close(m, masks.get(0), 0, "output mask");
      assertNull(masks.get(1));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"SimpleRNN", "LSTM", "GRU"})
  void zeroOutputForMaskWritesZerosAtMaskedSteps(String cls) {
    NpyArray x = Seq.random(4, B, T, F);
    NpyArray m = Seq.mask(new int[] {1, 1, 1, 0, 0}, new int[] {0, 0, 1, 1, 1},
        new int[] {1, 0, 1, 0, 1});
    try (LayerRun carry = run(cls, ", 'return_sequences': true", true);
        LayerRun zero = run(cls, ", 'return_sequences': true, 'zero_output_for_mask': true",
            true)) {
      zero.setWeights(carry.randomWeights(5));
      NpyArray c = carry.run(x, m).get(0);
      NpyArray z = zero.run(x, m).get(0);
      float[] mm = m.toFloatArray();
      for (int b = 0; b < B; b++) {
        for (int t = 0; t < T; t++) {
          float[] want = mm[(int) (b * T + t)] > 0 ? Seq.at(c, b, t) : new float[4];
          Seq.close(want, Seq.at(z, b, t), EXACT, "sample " + b + " step " + t);
        }
      }
    }
  }

  /** go_backwards with a mask is the forward layer on the reversed input and mask. */
  @ParameterizedTest
  @ValueSource(strings = {"SimpleRNN", "LSTM", "GRU"})
  void goBackwardsReversesTheMaskWithTheInput(String cls) {
    NpyArray x = Seq.random(5, B, T, F);
    NpyArray m = Seq.mask(new int[] {1, 1, 1, 0, 0}, new int[] {0, 0, 1, 1, 1},
        new int[] {1, 0, 1, 0, 1});
    for (String rs : List.of("false", "true")) {
      try (LayerRun fwd = run(cls, ", 'return_sequences': " + rs, true);
          LayerRun bwd = run(cls, ", 'return_sequences': " + rs + ", 'go_backwards': true",
              true)) {
        bwd.setWeights(fwd.randomWeights(9));
        Seq.close(fwd.run(Seq.reverseTime(x), Seq.reverseTime(m)).get(0), bwd.run(x, m).get(0),
            EXACT, cls + " return_sequences=" + rs);
      }
    }
  }

  /**
   * Keras's unrolled rnn() applies zero_output_for_mask after the loop with the mask in input
   * order, even under go_backwards (whose outputs are in processing order); its while_loop
   * zeroes per processed step. Both are reproduced.
   */
  @Test
  void unrolledZeroOutputUsesTheUnreversedMaskLikeKeras() {
    NpyArray x = Seq.random(6, B, T, F);
    NpyArray m = Seq.mask(new int[] {1, 1, 1, 0, 0}, new int[] {0, 0, 1, 1, 1},
        new int[] {1, 0, 1, 0, 1});
    String base = ", 'return_sequences': true, 'go_backwards': true";
    try (LayerRun carry = run("LSTM", base, true);
        LayerRun loop = run("LSTM", base + ", 'zero_output_for_mask': true", true);
        LayerRun unrolled = run("LSTM", base + ", 'zero_output_for_mask': true,"
            + " 'unroll': true", true)) {
      List<NpyArray> w = carry.randomWeights(13);
      loop.setWeights(w);
      unrolled.setWeights(w);
      NpyArray c = carry.run(x, m).get(0);
      NpyArray l = loop.run(x, m).get(0);
      NpyArray u = unrolled.run(x, m).get(0);
      float[] mm = m.toFloatArray();
      for (int b = 0; b < B; b++) {
        for (int t = 0; t < T; t++) {
          boolean processed = mm[(int) (b * T + (T - 1 - t))] > 0;
          boolean inputOrder = mm[(int) (b * T + t)] > 0;
          Seq.close(processed ? Seq.at(c, b, t) : new float[4], Seq.at(l, b, t), EXACT,
              "while_loop");
          Seq.close(inputOrder ? Seq.at(c, b, t) : new float[4], Seq.at(u, b, t), EXACT,
              "unrolled");
        }
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"SimpleRNN", "LSTM", "GRU"})
  void unrollComputesTheSameLoop(String cls) {
    NpyArray x = Seq.random(7, B, T, F);
    try (LayerRun a = run(cls, ", 'return_sequences': true", false);
        LayerRun b = run(cls, ", 'return_sequences': true, 'unroll': true", false)) {
      b.setWeights(a.randomWeights(2));
      Seq.close(a.run(x).get(0), b.run(x).get(0), 0, cls);
    }
  }

  /** A stateful layer continues from the previous call's state until reset. */
  @ParameterizedTest
  @ValueSource(strings = {"SimpleRNN", "LSTM", "GRU"})
  void statefulCarriesStateAcrossCallsUntilReset(String cls) {
    NpyArray x1 = Seq.random(8, B, 3, F);
    NpyArray x2 = Seq.random(9, B, 3, F);
    String extra = ", 'return_sequences': true";
    try (LayerRun st = new LayerRun(rnn(cls, extra + ", 'stateful': true"),
        new long[] {B, 3, F}, false, false);
        LayerRun whole = new LayerRun(rnn(cls, extra), new long[] {-1, 6, F}, false, false)) {
      st.setWeights(whole.randomWeights(4));
      NpyArray all = whole.run(Seq.concatTime(x1, x2)).get(0);
      NpyArray first = st.run(x1).get(0);
      Seq.close(Seq.steps(all, 0, 3), first, EXACT, "first call");
      Seq.close(Seq.steps(all, 3, 6), st.run(x2).get(0), EXACT, "second call");
      st.reset();
      Seq.close(first, st.run(x1).get(0), 0, "after reset");
    }
  }

  @Test
  void statefulNeedsAFixedBatchSize() {
    Layer l = rnn("LSTM", ", 'stateful': true");
    KerasBridgeException e = assertThrows(KerasBridgeException.class,
        () -> new LayerRun(l, new long[] {-1, T, F}, false, false).close());
    assertTrue(e.getMessage().contains("fixed batch size"), e.getMessage());
  }

  @Test
  void unknownNumberOfTimestepsIsAClearError() {
    Layer l = rnn("GRU", "");
    KerasBridgeException e = assertThrows(KerasBridgeException.class,
        () -> new LayerRun(l, new long[] {-1, -1, F}, false, false).close());
    assertTrue(e.getMessage().contains("timesteps is unknown"), e.getMessage());
  }

  /** Dropout is the identity at inference; in training it draws masks (random stream aside). */
  @ParameterizedTest
  @ValueSource(strings = {"SimpleRNN", "LSTM", "GRU"})
  void dropoutOnlyActsInTraining(String cls) {
    NpyArray x = Seq.random(10, B, T, F);
    String drop = ", 'dropout': 0.5, 'recurrent_dropout': 0.5";
    try (LayerRun plain = run(cls, "", false);
        LayerRun infer = run(cls, drop, false);
        LayerRun train = new LayerRun(rnn(cls, drop), new long[] {-1, T, F}, false, true)) {
      List<NpyArray> w = plain.randomWeights(6);
      infer.setWeights(w);
      train.setWeights(w);
      NpyArray p = plain.run(x).get(0);
      // recurrent_dropout switches LSTM/GRU to implementation 1: the same values, summed per gate
      Seq.close(p, infer.run(x).get(0), EXACT, "inference");
      float[] a = p.toFloatArray();
      float[] b = train.run(x).get(0).toFloatArray();
      double d = 0;
      for (int i = 0; i < a.length; i++) {
        d = Math.max(d, Math.abs(a[i] - b[i]));
      }
      assertTrue(d > 1e-3, "training applies dropout masks");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"LSTM", "GRU"})
  void implementationOneSumsPerGateToTheSameValues(String cls) {
    NpyArray x = Seq.random(11, B, T, F);
    for (String ra : cls.equals("GRU") ? List.of("true", "false") : List.of("true")) {
      String extra = cls.equals("GRU") ? ", 'reset_after': " + ra : "";
      try (LayerRun two = run(cls, extra + ", 'return_sequences': true", false);
          LayerRun one = run(cls, extra + ", 'return_sequences': true, 'implementation': 1",
              false)) {
        one.setWeights(two.randomWeights(12));
        Seq.close(two.run(x).get(0), one.run(x).get(0), EXACT, cls + " " + extra);
      }
    }
  }

  /**
   * The input's product with the kernel is taken once for all timesteps (one MatMul), not once
   * per step; the recurrent products stay per step. With input dropout in training, each step
   * masks its input first, so each has its own product again. The values are those of Keras's
   * per-step products: RecurrentFixturesTest, TrainingParityTest and CorpusParityTest compare them.
   */
  @ParameterizedTest
  @CsvSource({
      "SimpleRNN, '', 1", "LSTM, '', 1", "LSTM, ', ''implementation'': 1', 4",
      "GRU, '', 1", "GRU, ', ''implementation'': 1', 3",
      "GRU, ', ''reset_after'': false', 2"})
  void theInputProductIsOneMatMulForAllTimesteps(String cls, String extra, int recurrentPerStep) {
    try (LayerRun inference = new LayerRun(rnn(cls, extra), new long[] {-1, T, F}, false, false);
        LayerRun training = new LayerRun(rnn(cls, extra), new long[] {-1, T, F}, false, true);
        LayerRun dropout = new LayerRun(rnn(cls, extra + ", 'dropout': 0.5"),
            new long[] {-1, T, F}, false, true)) {
      assertEquals(recurrentPerStep * T + 1, matMuls(inference));
      assertEquals(recurrentPerStep * T + 1, matMuls(training));
      long perStepInput = cls.equals("LSTM") && !extra.isEmpty() ? 4
          : cls.equals("GRU") && extra.contains("implementation") ? 3 : 1;
      assertEquals((recurrentPerStep + perStepInput) * T, matMuls(dropout));
    }
  }

  private static long matMuls(LayerRun r) {
    long n = 0;
    for (var it = r.rt.graph().operations(); it.hasNext(); ) {
      if (it.next().type().equals("MatMul")) {
        n++;
      }
    }
    return n;
  }
}
