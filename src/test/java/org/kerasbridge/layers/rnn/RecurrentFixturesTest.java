package org.kerasbridge.layers.rnn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.kerasbridge.fixtures.Fixtures;
import org.kerasbridge.graph.Device;
import org.kerasbridge.io.ModelFiles;
import org.kerasbridge.layers.Layer;
import org.kerasbridge.layers.Weight;
import org.kerasbridge.model.KerasModel;
import org.kerasbridge.ndarray.NpyArray;
import org.kerasbridge.parity.Comparison;

/**
 * The per-layer fixtures of {@code models/layers/} (python-reference/layer_fixtures.py) for this
 * package's layers, in every Keras format each was written in (.keras, Keras 3 .h5, tf.keras 2
 * .h5): outputs within the fixture tolerance (1e-5), Keras 3 weight paths, and for stateful
 * fixtures the second call carrying the state and {@code resetStates()} returning to the first
 * result. Masked fixtures also exercise Embedding(mask_zero) and Masking.
 */
class RecurrentFixturesTest {
  private static final Set<String> CLASSES = Set.of("SimpleRNN", "LSTM", "GRU", "Bidirectional",
      "TimeDistributed", "Embedding", "Masking");
  private static final Set<String> KERAS_FORMATS = Set.of("model.keras", "model.h5",
      "model_keras2.h5");
  private static final Map<String, String> CELLS = Map.of("SimpleRNN", "simple_rnn_cell",
      "LSTM", "lstm_cell", "GRU", "gru_cell");

  @TestFactory
  List<DynamicNode> recurrentFixturesMatchKeras() {
    Path dir = Fixtures.models().resolve("layers");
    Assumptions.assumeTrue(Files.isDirectory(dir), "no per-layer fixtures at " + dir);
    List<DynamicNode> nodes = new ArrayList<>();
    for (Fixtures.Fixture f : Fixtures.all()) {
      String cls = f.json().path("layer").asText("");
      if (!f.dir().startsWith(dir) || !CLASSES.contains(cls)) {
        continue;
      }
      List<DynamicTest> tests = new ArrayList<>();
      for (String format : f.formats()) {
        if (KERAS_FORMATS.contains(format)) {
          tests.add(DynamicTest.dynamicTest(format, () -> check(f, f.dir().resolve(format))));
        }
      }
      nodes.add(DynamicContainer.dynamicContainer(f.dir().getFileName() + " ("
          + f.json().path("option").asText() + ")", tests));
    }
    Assumptions.assumeFalse(nodes.isEmpty(), "no fixtures for " + CLASSES);
    return nodes;
  }

  static void check(Fixtures.Fixture f, Path file) {
    try (KerasModel m = KerasModel.fromSpec(ModelFiles.read(file), Device.CPU)) {
      int batch = (int) f.inputs().get(0).shape()[0];
      List<NpyArray> first = m.predict(f.inputs(), batch);
      compare(f, file, "", first, f.outputsFor(first));
      if (f.json().has("stateful_sequence")) {
        compare(f, file, "second call ", m.predict(f.arrays("inputs2"), batch),
            f.arrays("outputs2"));
        m.resetStates();
        compare(f, file, "after resetStates ", m.predict(f.inputs(), batch), f.outputs());
      }
      for (Layer l : m.root().layers()) {
        checkPaths(l, l.name());
      }
    }
  }

  /** Keras 3 variable paths: {@code lstm/lstm_cell/kernel}, {@code bidirectional/forward_...}. */
  static void checkPaths(Layer l, String prefix) {
    if (l instanceof BaseRnn r) {
      String cell = CELLS.get(l.className());
      for (Weight w : r.weights()) {
        assertEquals(prefix + "/" + cell + "/" + w.name(), w.path());
      }
    } else if (l instanceof Bidirectional b) {
      assertTrue(b.forwardLayer().name().startsWith("forward_"), b.forwardLayer().name());
      assertTrue(b.backwardLayer().name().startsWith("backward_"), b.backwardLayer().name());
      checkPaths(b.forwardLayer(), prefix + "/" + b.forwardLayer().name());
      checkPaths(b.backwardLayer(), prefix + "/" + b.backwardLayer().name());
      List<Weight> all = b.weights();
      assertEquals(b.forwardLayer().weights(), all.subList(0, all.size() / 2),
          "forward weights first");
    } else if (l instanceof TimeDistributed t) {
      for (Weight w : t.weights()) {
        assertEquals(prefix + "/" + t.layer().name() + "/" + w.name(), w.path());
      }
    } else if (l instanceof Embedding e) {
      assertEquals(List.of(prefix + "/embeddings"), e.weights().stream().map(Weight::path)
          .toList());
    }
  }

  private static void compare(Fixtures.Fixture f, Path file, String what, List<NpyArray> got,
      List<NpyArray> expected) {
    assertEquals(expected.size(), got.size(), "number of outputs");
    for (int k = 0; k < expected.size(); k++) {
      assertArrayEquals(expected.get(k).shape(), got.get(k).shape(), what + "output " + k
          + " shape");
      Comparison c = Comparison.of(f.dir().getFileName() + "/" + file.getFileName() + " " + what
          + "output " + k, got.get(k), expected.get(k), f.atol(), f.rtol());
      assertTrue(c.passed(), c.report());
    }
  }
}
