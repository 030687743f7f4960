package org.kerasbridge.io.export;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.kerasbridge.fixtures.Fixtures;
import org.kerasbridge.io.KerasJson;
import org.kerasbridge.io.ModelWriters;

/**
 * Every fixture under {@code models/} (seeds and per-layer cases), in every format it exists in
 * that KerasBridge reads into a Keras model ({@code model.keras}, {@code model.h5},
 * {@code model_keras2.h5}), plus every corpus file in {@code ../shared/keras-corpus} that
 * KerasBridge runs with parity: Java reads it and writes {@code .keras}, {@code .h5} and a
 * SavedModel into one temporary directory; then ONE Python process
 * ({@code python-reference/roundtrip.py}) loads each with Keras 3.15 ({@code load_model},
 * {@code safe_mode=True}) or TensorFlow ({@code tf.saved_model.load}), runs it on the probe inputs
 * and compares with the outputs Keras computed for the original (fixture tolerance, 1e-5; corpus
 * 1e-4; corpus files as .keras and .h5 only). TF Java also reloads each SavedModel ({@code io.savedmodel.SavedModel}) and must serve
 * the same outputs. One dynamic test per source file and written format.
 *
 * <p>Stateful fixtures compare the first call after loading ({@code output_0}). Without the
 * pinned Python venv the test is skipped with a visible reason ({@link PythonEnv}).
 */
class PythonRoundTripTest {
  private static final long PYTHON_TIMEOUT_SECONDS = 900;

  @TempDir
  Path tmp;

  @TestFactory
  Stream<DynamicTest> everyFixtureRoundTripsThroughPython() throws IOException {
    if (PythonEnv.python() == null) {
      System.err.println("[PythonRoundTripTest] " + PythonEnv.missingReason());
    }
    assumeTrue(PythonEnv.python() != null, PythonEnv::missingReason);
    long t0 = System.nanoTime();
    RoundTrip rt = new RoundTrip(tmp);
    for (Fixtures.Fixture f : Fixtures.all()) {
      addFixture(rt, f);
    }
    int fixtureExports = rt.exports.size();
    addCorpus(rt);
    long javaMillis = (System.nanoTime() - t0) / 1_000_000;
    Path report = tmp.resolve("report.json");
    Path log = tmp.resolve("roundtrip.log");
    long p0 = System.nanoTime();
    JsonNode r = PythonEnv.run(rt.manifest(), report, log, PYTHON_TIMEOUT_SECONDS);
    long pythonMillis = (System.nanoTime() - p0) / 1_000_000;
    System.out.printf("[PythonRoundTripTest] %d exports (%d fixture, %d corpus), %d Python"
        + " checks; Java read+write+reload %.1f s %s; Python %.1f s (Keras %s, TF %s)%n",
        rt.exports.size(), fixtureExports, rt.exports.size() - fixtureExports, rt.cases.size(),
        javaMillis / 1000.0, rt.millis, pythonMillis / 1000.0,
        r.path("versions").path("keras").asText(), r.path("versions").path("tensorflow").asText());
    Map<String, JsonNode> results = RoundTrip.results(r);
    List<DynamicTest> tests = new ArrayList<>();
    for (RoundTrip.Export e : rt.exports) {
      tests.add(DynamicTest.dynamicTest(e.id(), () -> {
        assertNull(e.javaError(), e.javaError());
        if (e.refused() != null) {
          return; // the documented refusal this source accepts (see addFixture)
        }
        JsonNode res = results.get(e.checkedAs());
        if (res == null) {
          fail("Python reported nothing for " + e.checkedAs() + "; log: " + PythonEnv.tail(log));
        }
        assertTrue(res.path("ok").asBoolean(), e.id() + ": Python: "
            + res.path("error").asText());
        assertNull(e.javaReload(), e.javaReload());
      }));
    }
    return tests.stream();
  }

  static void addFixture(RoundTrip rt, Fixtures.Fixture f) {
    List<Path> ins = files(f.dir(), f.json().path("inputs"));
    List<Path> outs = files(f.dir(), Fixtures.expectedOutputs(f.json()));
    for (String src : f.formats()) {
      if (src.equals("saved_model")) {
        continue; // a SavedModel holds no Keras config: nothing to convert from
      }
      // A SavedModel has one graph for every input size its signature admits; the RNN loop is
      // unrolled over a static number of steps, so a variable-length RNN model is refused with
      // this reason (its .keras and .h5 still round-trip).
      Map<ModelWriters.Format, String> refusals = new java.util.EnumMap<>(
          ModelWriters.Format.class);
      if (f.json().has("second_probe")) {
        refusals.put(ModelWriters.Format.SAVED_MODEL,
            "the number of timesteps is unknown when the graph is built");
      }
      // tf.keras 2 masked an RNN called on [x, *states]; a Keras 3 initial_state= call runs
      // unmasked, so such a file has no Keras 3 config of the same meaning
      if ("keras3_twin_with_explicit_sequence_mask".equals(
          f.json().path("reference").path("method").asText())) {
        String why = "no Keras 3 config means the same";
        refusals.put(ModelWriters.Format.KERAS, why);
        refusals.put(ModelWriters.Format.H5, why);
      }
      if (f.name().startsWith("layers/policy_")) {
        refusals.put(ModelWriters.Format.SAVED_MODEL,
            "a model with a half-precision dtype policy");
      }
      rt.add(f.name() + " " + src, f.dir().resolve(src), ins, outs, f.atol(), f.rtol(),
          List.of(ModelWriters.Format.values()), refusals);
    }
  }

  /**
   * The corpus files whose expectation is parity (the Lambda ones are refused on reading),
   * written as .keras and .h5: they check that Keras 1/2 configs become valid Keras 3 configs.
   * (SavedModels of Keras 2 sources are covered by the fixtures' model_keras2.h5; the corpus's
   * long unrolled RNNs would add a minute of graph import for nothing new.)
   */
  static void addCorpus(RoundTrip rt) {
    Path corpus = PythonEnv.repo().resolve("../shared/keras-corpus").normalize();
    String prop = System.getProperty("keras.corpus", System.getenv("KERAS_CORPUS"));
    if (prop != null && !prop.isBlank()) {
      corpus = Path.of(prop);
    }
    if (!Files.isDirectory(corpus)) {
      System.err.println("[PythonRoundTripTest] keras-corpus not found at " + corpus
          + ": corpus round trips skipped");
      return;
    }
    try (Stream<Path> dirs = Files.list(corpus)) {
      for (Path d : dirs.sorted().toList()) {
        Path ref = d.resolve("keras_ref.json");
        if (!Files.isRegularFile(ref) || !Files.isRegularFile(d.resolve("model.h5"))) {
          continue;
        }
        JsonNode j = KerasJson.MAPPER.readTree(ref.toFile());
        if (!"parity".equals(j.path("expected").asText())) {
          continue;
        }
        rt.add("corpus/" + d.getFileName() + " model.h5", d.resolve("model.h5"),
            files(d, j.path("inputs")), files(d, j.path("outputs")),
            j.path("tolerance").path("atol").asDouble(1e-4),
            j.path("tolerance").path("rtol").asDouble(1e-4),
            List.of(ModelWriters.Format.KERAS, ModelWriters.Format.H5));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<Path> files(Path dir, JsonNode list) {
    List<Path> out = new ArrayList<>();
    list.forEach(n -> out.add(dir.resolve(n.path("file").asText())));
    return out;
  }
}
