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
    for (Path dir : fixtures()) {
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

  static void check(Path dir, Path model) throws IOException {
    JsonNode t = JSON.readTree(dir.resolve("training.json").toFile());
    int batch = t.path("batch_size").asInt();
    int steps = t.path("steps").asInt();
    NpyArray x = Npy.read(dir.resolve("x.npy"));
    NpyArray y = Npy.read(dir.resolve("y.npy"));
    NpyArray sw = t.path("sample_weight").isNull() || t.path("sample_weight").isMissingNode()
        ? null : Npy.read(dir.resolve(t.path("sample_weight").path("file").asText()));
    NpyArray losses = Npy.read(dir.resolve("losses.npy"));
    double lossRtol = t.path("tolerance").path("loss_rtol").asDouble();
    double wAtol = t.path("tolerance").path("weights_atol").asDouble();
    double wRtol = t.path("tolerance").path("weights_rtol").asDouble();
    try (KerasModel m = KerasModel.fromSpec(ModelFiles.read(model), Device.CPU)) {
      m.compileFromFile();
      m.resetStates();
      for (int s = 0; s < steps; s++) {
        long from = (long) s * batch;
        Map<String, Double> logs = m.trainOnBatch(List.of(x.sliceRows(from, from + batch)),
            List.of(y.sliceRows(from, from + batch)),
            sw == null ? null : sw.sliceRows(from, from + batch));
        double expected = losses.getDouble(s);
        double got = logs.get("loss");
        assertTrue(Math.abs(got - expected) <= lossRtol * Math.abs(expected),
            "step " + s + ": loss " + got + ", Keras " + expected + " (rel diff "
                + Math.abs(got - expected) / Math.abs(expected) + ")");
      }
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
