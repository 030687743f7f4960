package org.kerasbridge.parity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.kerasbridge.KerasBridge;
import org.kerasbridge.UnsupportedFeatureException;
import org.kerasbridge.fixtures.Fixtures;
import org.kerasbridge.graph.Device;
import org.kerasbridge.model.KerasModel;
import org.kerasbridge.ndarray.Npy;
import org.kerasbridge.ndarray.NpyArray;

/**
 * The real-world corpus (../shared/keras-corpus: 16 Keras 1/2/3 files from public repositories):
 * each "parity" file loads and reproduces the outputs Keras computed, and each "refuse-lambda"
 * file is refused without running its code. The corpus promises 1e-4; we hold 1e-5.
 */
class CorpusParityTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final double ATOL = 1e-5;

  @TestFactory
  List<DynamicTest> everyCorpusFileMeetsItsExpectation() throws IOException {
    Path corpus = Fixtures.shared().resolve("keras-corpus");
    assumeTrue(Files.isDirectory(corpus), "keras-corpus not present beside the repository: "
        + corpus);
    List<Path> dirs;
    try (Stream<Path> s = Files.list(corpus)) {
      dirs = s.filter(d -> Files.isRegularFile(d.resolve("keras_ref.json"))).sorted().toList();
    }
    List<DynamicTest> tests = new ArrayList<>();
    for (Path d : dirs) {
      JsonNode ref = JSON.readTree(d.resolve("keras_ref.json").toFile());
      String expected = ref.path("expected").asText();
      tests.add(DynamicTest.dynamicTest(d.getFileName() + " (" + expected + ")",
          () -> check(d, expected)));
    }
    assertEquals(16, tests.size(), "the corpus README lists 16 files");
    return tests;
  }

  private static void check(Path d, String expected) throws IOException {
    Path file = d.resolve("model.h5");
    switch (expected) {
      case "parity": {
        List<NpyArray> in = arrays(d, "input_");
        List<NpyArray> out = arrays(d, "output_");
        try (KerasModel m = KerasBridge.loadKeras(file, Device.CPU)) {
          List<NpyArray> got = m.predict(in, 4);
          assertEquals(out.size(), got.size());
          for (int k = 0; k < out.size(); k++) {
            Comparison c = Comparison.of(d.getFileName() + " output " + k, got.get(k),
                out.get(k), ATOL, 0);
            assertTrue(c.passed(), c.report());
          }
        }
        break;
      }
      case "refuse-lambda": {
        UnsupportedFeatureException e = assertThrows(UnsupportedFeatureException.class,
            () -> KerasBridge.loadKeras(file, Device.CPU));
        assertTrue(e.getMessage().contains("(Lambda)"), e.getMessage());
        break;
      }
      case "load-only":
        KerasBridge.loadKeras(file, Device.CPU).close();
        break;
      default:
        throw new AssertionError("unknown expectation " + expected);
    }
  }

  private static List<NpyArray> arrays(Path d, String prefix) throws IOException {
    List<NpyArray> out = new ArrayList<>();
    for (int i = 0; Files.exists(d.resolve(prefix + i + ".npy")); i++) {
      out.add(Npy.read(d.resolve(prefix + i + ".npy")));
    }
    return out;
  }
}
