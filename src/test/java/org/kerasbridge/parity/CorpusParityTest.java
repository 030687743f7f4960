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
import org.kerasbridge.KerasBridgeException;
import org.kerasbridge.UnsupportedFeatureException;
import org.kerasbridge.fixtures.Fixtures;
import org.kerasbridge.graph.Device;
import org.kerasbridge.model.KerasModel;
import org.kerasbridge.ndarray.Npy;
import org.kerasbridge.ndarray.NpyArray;

/**
 * The real-world corpora: ../shared/keras-corpus (16 Keras 1/2/3 files) and models/corpus (the
 * public corpus in this repository, listed in models/corpus/MANIFEST.json, references made by
 * python-reference/corpus.py). Each "parity" file loads and reproduces the outputs Keras computed
 * within 1e-5, each "refuse-lambda"/"refuse-custom" file is refused with a message naming the
 * layer, without running any code. A "known_gap" entry of the manifest (a file that fails for a
 * reason another issue fixes) must still fail with exactly the recorded error, so the list stays
 * honest: once it loads, the entry has to go.
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

  @TestFactory
  List<DynamicTest> everyPublicCorpusFileMeetsItsExpectation() throws IOException {
    Path corpus = Fixtures.models().resolve("corpus");
    JsonNode manifest = JSON.readTree(corpus.resolve("MANIFEST.json").toFile());
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode e : manifest.path("files")) {
      String id = e.path("id").asText();
      Path file = corpus.resolve(e.path("file").asText());
      Path d = file.getParent();
      JsonNode ref = JSON.readTree(d.resolve("keras_ref.json").toFile());
      String expected = ref.path("expected").asText();
      JsonNode gap = e.path("known_gap");
      if (!gap.isMissingNode() && !gap.isNull()) {
        String error = gap.path("error").asText();
        tests.add(DynamicTest.dynamicTest(id + " (known gap: " + gap.path("kind").asText() + ")",
            () -> {
              KerasBridgeException x = assertThrows(KerasBridgeException.class, () -> {
                try (KerasModel m = KerasBridge.loadKeras(file, Device.CPU)) {
                  if (Files.exists(d.resolve("input_0.npy"))) {
                    m.predict(arrays(d, "input_"), 4);
                  }
                }
              }, id + " is listed as a known gap but now works: remove its known_gap entry");
              assertTrue(x.getMessage().contains(error), id + ": expected the recorded error <"
                  + error + ">, got: " + x.getMessage());
            }));
        continue;
      }
      List<String> names = new ArrayList<>();
      ref.path("refuse_names").forEach(n -> names.add(n.asText()));
      tests.add(DynamicTest.dynamicTest(id + " (" + expected + ")",
          () -> check(d, file, expected, names, true)));
    }
    assertTrue(tests.size() >= 100, "models/corpus lists at least 100 files, got " + tests.size());
    return tests;
  }

  private static void check(Path d, String expected) throws IOException {
    check(d, d.resolve("model.h5"), expected, List.of(), false);
  }

  /**
   * @param either the public corpus holds 1e-5 absolute OR relative per element (its image models
   *     have outputs up to 172, where one float32 ulp is 1.5e-5); the shared corpus 1e-5 abs
   */
  private static void check(Path d, Path file, String expected, List<String> names,
      boolean either) throws IOException {
    switch (expected) {
      case "parity": {
        List<NpyArray> in = arrays(d, "input_");
        // a half-precision model has one reference per kind of CPU kernels (half_kernels.py)
        JsonNode ref = JSON.readTree(d.resolve("keras_ref.json").toFile());
        try (KerasModel m = KerasBridge.loadKeras(file, Device.CPU)) {
          List<NpyArray> got = m.predict(in, 4);
          List<NpyArray> out = ref.has("half_kernels") ? Fixtures.outputsFor(ref, d, got)
              : arrays(d, "output_");
          assertEquals(out.size(), got.size());
          for (int k = 0; k < out.size(); k++) {
            Comparison c = either
                ? Comparison.ofEither(d.getFileName() + " output " + k, got.get(k), out.get(k),
                    ATOL, ATOL)
                : Comparison.of(d.getFileName() + " output " + k, got.get(k), out.get(k), ATOL, 0);
            assertTrue(c.passed(), c.report());
            FixtureParityTest.assertBitIdenticalIfFloat16(d.getFileName() + " output " + k,
                got.get(k), out.get(k));
          }
        }
        break;
      }
      case "refuse-lambda": {
        UnsupportedFeatureException e = assertThrows(UnsupportedFeatureException.class,
            () -> KerasBridge.loadKeras(file, Device.CPU));
        assertTrue(e.getMessage().contains("(Lambda)"), e.getMessage());
        for (String n : names) {
          assertTrue(e.getMessage().contains(n), "the message names " + n + ": " + e.getMessage());
        }
        break;
      }
      case "refuse-custom": {
        KerasBridgeException e = assertThrows(KerasBridgeException.class,
            () -> KerasBridge.loadKeras(file, Device.CPU).close());
        for (String n : names) {
          assertTrue(e.getMessage().contains(n), "the message names " + n + ": " + e.getMessage());
        }
        break;
      }
      case "load-only":
        try (KerasModel m = KerasBridge.loadKeras(file, Device.CPU)) {
          if (Files.exists(d.resolve("input_0.npy"))) {
            for (NpyArray y : m.predict(arrays(d, "input_"), 4)) {
              for (float v : y.toFloatArray()) {
                assertTrue(Float.isFinite(v), d.getFileName() + ": non-finite output");
              }
            }
          }
        }
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
