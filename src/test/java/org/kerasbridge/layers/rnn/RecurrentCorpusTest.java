package org.kerasbridge.layers.rnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.kerasbridge.fixtures.Fixtures;
import org.kerasbridge.graph.Device;
import org.kerasbridge.io.ModelFiles;
import org.kerasbridge.model.KerasModel;
import org.kerasbridge.ndarray.Npy;
import org.kerasbridge.ndarray.NpyArray;
import org.kerasbridge.parity.Comparison;

/**
 * Real-world files that use this package's layers (the shared keras-corpus, written by other
 * people with Keras 2.0.9 to 3.13) and the seed models rnn_classifier (SimpleRNN, unroll) and
 * lstm_regressor (stateful LSTM, batch 50, TimeDistributed(Dense)). The corpus promises 1e-4;
 * these are held to the project's float32 standard, atol 1e-5.
 */
class RecurrentCorpusTest {
  private static final double ATOL = 1e-5;

  /**
   * h09 Embedding; h12 Embedding+GRU; h15 Keras 2.0.9 LSTM with Keras 2 hard_sigmoid and
   * implementation=1; h21, h33 Bidirectional(LSTM) (h33 with Embedding(mask_zero)); h27, h36
   * tf.keras 2.3 LSTMs.
   */
  @ParameterizedTest
  @ValueSource(strings = {"h09", "h12", "h15", "h21", "h27", "h33", "h36"})
  void corpusModelMatchesKeras(String id) {
    Path dir = Fixtures.shared().resolve("keras-corpus").resolve(id);
    Assumptions.assumeTrue(Files.isRegularFile(dir.resolve("model.h5")), "no corpus at " + dir);
    try (KerasModel m = KerasModel.fromSpec(ModelFiles.read(dir.resolve("model.h5")),
        Device.CPU)) {
      List<NpyArray> in = arrays(dir, "input_");
      List<NpyArray> expected = arrays(dir, "output_");
      List<NpyArray> got = m.predict(in, 4);
      assertEquals(expected.size(), got.size());
      for (int k = 0; k < expected.size(); k++) {
        Comparison c = Comparison.of(id + " output " + k, got.get(k), expected.get(k), ATOL, 0);
        assertTrue(c.passed(), c.report());
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"rnn_classifier/model.keras", "rnn_classifier/model.h5",
      "lstm_regressor/model.keras", "lstm_regressor/model.h5"})
  void seedModelMatchesKeras(String path) {
    Path file = Fixtures.models().resolve(path);
    Assumptions.assumeTrue(Files.isRegularFile(file), "no seed model at " + file);
    Fixtures.Fixture f = Fixtures.seeds().stream()
        .filter(s -> s.dir().equals(file.getParent())).findFirst().orElseThrow();
    try (KerasModel m = KerasModel.fromSpec(ModelFiles.read(file), Device.CPU)) {
      int batch = (int) f.inputs().get(0).shape()[0];
      Comparison c = Comparison.of(path, m.predict(f.inputs(), batch).get(0),
          f.outputs().get(0), f.atol(), f.rtol());
      assertTrue(c.passed(), c.report());
    }
  }

  /** lstm_regressor is stateful: a second call continues from the first, a reset starts over. */
  @Test
  void statefulSeedModelCarriesAndResetsState() {
    Path file = Fixtures.models().resolve("lstm_regressor/model.keras");
    Assumptions.assumeTrue(Files.isRegularFile(file), "no seed model at " + file);
    Fixtures.Fixture f = Fixtures.seeds().stream()
        .filter(s -> s.dir().equals(file.getParent())).findFirst().orElseThrow();
    try (KerasModel m = KerasModel.fromSpec(ModelFiles.read(file), Device.CPU)) {
      NpyArray first = m.predict(f.inputs(), 50).get(0);
      NpyArray second = m.predict(f.inputs(), 50).get(0);
      assertTrue(maxDiff(first, second) > 1e-3, "the state must carry into the second call");
      m.resetStates();
      Comparison c = Comparison.of("after reset", m.predict(f.inputs(), 50).get(0),
          f.outputs().get(0), f.atol(), f.rtol());
      assertTrue(c.passed(), c.report());
    }
  }

  private static double maxDiff(NpyArray a, NpyArray b) {
    float[] x = a.toFloatArray();
    float[] y = b.toFloatArray();
    double m = 0;
    for (int i = 0; i < x.length; i++) {
      m = Math.max(m, Math.abs(x[i] - y[i]));
    }
    return m;
  }

  private static List<NpyArray> arrays(Path dir, String prefix) {
    List<NpyArray> out = new ArrayList<>();
    for (int i = 0; Files.isRegularFile(dir.resolve(prefix + i + ".npy")); i++) {
      out.add(Npy.read(dir.resolve(prefix + i + ".npy")));
    }
    return out;
  }
}
