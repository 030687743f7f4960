package org.kerasbridge.parity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.kerasbridge.fixtures.Fixtures;
import org.kerasbridge.graph.Device;
import org.kerasbridge.io.ModelFiles;
import org.kerasbridge.model.KerasModel;
import org.kerasbridge.ndarray.Npy;
import org.kerasbridge.ndarray.NpyArray;
import org.kerasbridge.ndarray.Npz;

/**
 * Training parity, the acceptance bar: from the compiled, untrained model Keras saved (with its
 * optimizer, loss and metrics), the same batches in the same order give Keras's loss at every
 * step (within 1e-5 relative) and Keras's weights and optimizer slots after the last step (within
 * 1e-5, absolute or relative).
 */
class TrainingParityTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  static List<Path> fixtures() {
    Path dir = Fixtures.models().resolve("training");
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> Files.isRegularFile(p.resolve("training.json"))).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @TestFactory
  List<DynamicNode> everyStepMatchesKeras() {
    List<DynamicNode> nodes = new ArrayList<>();
    // -Dkerasbridge.fixture=REGEX runs only the fixtures whose name matches (while developing)
    String only = System.getProperty("kerasbridge.fixture");
    for (Path dir : fixtures()) {
      if (only != null && !dir.getFileName().toString().matches(only)) {
        continue;
      }
      List<DynamicTest> tests = new ArrayList<>();
      for (String file : List.of("initial.keras", "initial.h5")) {
        if (Files.exists(dir.resolve(file))) {
          tests.add(DynamicTest.dynamicTest(file, () -> check(dir, dir.resolve(file))));
        }
      }
      nodes.add(DynamicContainer.dynamicContainer(dir.getFileName().toString(), tests));
    }
    assertFalse(nodes.isEmpty());
    return nodes;
  }

  /** Consecutive steps on arrays of one size: x (one per model input) and y, rows by batch. */
  private record Phase(int steps, List<NpyArray> x, NpyArray y) {}

  private static void checkLoss(int step, double got, double expected, double rtol) {
    assertTrue(Math.abs(got - expected) <= rtol * Math.abs(expected),
        "step " + step + ": loss " + got + ", Keras " + expected + " (rel diff "
            + Math.abs(got - expected) / Math.abs(expected) + ")");
  }

  static void check(Path dir, Path model) throws IOException {
    JsonNode t = JSON.readTree(dir.resolve("training.json").toFile());
    int batch = t.path("batch_size").asInt();
    int steps = t.path("steps").asInt();
    // phases: several inputs or input sizes, each phase's steps in order on its own arrays
    List<Phase> phases = new ArrayList<>();
    if (t.path("phases").isArray()) {
      for (JsonNode p : t.path("phases")) {
        List<NpyArray> xs = new ArrayList<>();
        for (JsonNode f : p.path("x")) {
          xs.add(Npy.read(dir.resolve(f.asText())));
        }
        phases.add(new Phase(p.path("steps").asInt(), xs,
            Npy.read(dir.resolve(p.path("y").asText()))));
      }
    } else {
      phases.add(new Phase(steps, List.of(Npy.read(dir.resolve("x.npy"))),
          Npy.read(dir.resolve("y.npy"))));
    }
    NpyArray sw = t.path("sample_weight").isNull() || t.path("sample_weight").isMissingNode()
        ? null : Npy.read(dir.resolve(t.path("sample_weight").path("file").asText()));
    NpyArray losses = Npy.read(dir.resolve("losses.npy"));
    double lossRtol = t.path("tolerance").path("loss_rtol").asDouble();
    double wAtol = t.path("tolerance").path("weights_atol").asDouble();
    double wRtol = t.path("tolerance").path("weights_rtol").asDouble();
    try (KerasModel m = KerasModel.fromSpec(ModelFiles.read(model), Device.CPU)) {
      m.compileFromFile();
      m.resetStates();
      int s = 0;
      for (Phase p : phases) {
        for (int i = 0; i < p.steps(); i++, s++) {
          long from = (long) i * batch;
          List<NpyArray> xb = new ArrayList<>();
          for (NpyArray x : p.x()) {
            xb.add(x.sliceRows(from, from + batch));
          }
          Map<String, Double> logs = m.trainOnBatch(xb, List.of(p.y().sliceRows(from, from + batch)),
              sw == null ? null : sw.sliceRows(from, from + batch));
          checkLoss(s, logs.get("loss"), losses.getDouble(s), lossRtol);
        }
      }
      assertEquals(steps, s, "steps");
      Map<String, NpyArray> after = Npz.read(dir.resolve("after.npz"));
      // Keras's model.weights lists trainable weights before frozen ones; match by path (the
      // fixtures are functional models, whose Keras paths are the layer paths used here).
      Map<String, NpyArray> mine = m.weightValues();
      int k = 0;
      for (JsonNode v : t.path("variables")) {
        String path = v.path("path").asText();
        assertTrue(mine.containsKey(path), "no weight " + path + " in " + mine.keySet());
        Comparison c = Comparison.ofEither(path, mine.get(path), after.get(path), wAtol, wRtol);
        assertTrue(c.passed(), c.report());
        k++;
      }
      assertEquals(k, mine.size(), "number of weights");
      for (JsonNode sv : t.path("state_variables")) {
        assertTrue(after.containsKey(sv.asText()), "state " + sv);
      }
      Map<String, NpyArray> optAfter = Npz.read(dir.resolve("optimizer_after.npz"));
      List<NpyArray> optMine = new ArrayList<>(m.optimizer().state().values());
      List<String> optKeys = new ArrayList<>(optAfter.keySet());
      assertEquals(optKeys.size(), optMine.size(), "optimizer variables " + optKeys);
      for (int i = 0; i < optKeys.size(); i++) {
        NpyArray e = optAfter.get(optKeys.get(i));
        NpyArray a = optMine.get(i).castTo(e.dtype());
        Comparison c = Comparison.ofEither(optKeys.get(i), a, e, wAtol, wRtol);
        assertTrue(c.passed(), c.report());
      }
    }
  }
}
