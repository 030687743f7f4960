package org.kerasbridge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kerasbridge.fixtures.Fixtures;
import org.kerasbridge.ndarray.Npy;
import org.kerasbridge.ndarray.NpyArray;
import org.kerasbridge.parity.Comparison;

class CliTest {
  @TempDir
  Path tmp;

  static MainAccess.Run run(String... args) {
    return MainAccess.run(args);
  }

  private static Path seed(String name) {
    return Fixtures.models().resolve(name);
  }

  @Test
  void predictWritesWhatKerasComputed() {
    Path y = tmp.resolve("y.npy");
    MainAccess.Run r = run("predict", seed("mlp_classifier/saved_model").toString(), "--input",
        seed("mlp_classifier/input_0.npy").toString(), "--output", y.toString());
    assertEquals(0, r.code(), r.err());
    NpyArray expected = Npy.read(seed("mlp_classifier/output_0.npy"));
    Comparison c = Comparison.of("y", Npy.read(y), expected, 1e-5, 0);
    assertTrue(c.passed(), c.report());
  }

  @Test
  void parityPassesAndFailsWithExitCodes() throws Exception {
    String model = seed("mnist_cnn/saved_model").toString();
    String x = seed("mnist_cnn/input_0.npy").toString();
    MainAccess.Run ok = run("parity", model, "--input", x, "--expected",
        seed("mnist_cnn/output_0.npy").toString());
    assertEquals(0, ok.code(), ok.err() + ok.out());
    assertTrue(ok.out().contains("max_abs_diff=") && ok.out().contains("parity: ok"), ok.out());

    // a wrong expectation: the reference output of another model of the same shape
    NpyArray other = Npy.read(seed("mlp_classifier/output_0.npy"));
    Path wrong = tmp.resolve("wrong.npy");
    Npy.write(wrong, other);
    MainAccess.Run bad = run("parity", model, "--input", x, "--expected", wrong.toString());
    assertEquals(1, bad.code(), bad.out() + bad.err());
    assertTrue(bad.out().contains("FAIL"), bad.out());
  }

  /**
   * {@code fit} trains a compiled Keras file as Keras would (same optimizer and loss, from the
   * file) and writes a .keras holding the weights Keras reached after the same 8 steps.
   */
  @Test
  void fitTrainsACompiledFileLikeKerasAndWritesIt() throws Exception {
    Path t = Fixtures.models().resolve("training/adam_cce");
    Path out = tmp.resolve("trained.keras");
    MainAccess.Run r = run("fit", t.resolve("initial.keras").toString(), "--x", t.resolve("x.npy").toString(),
        "--y", t.resolve("y.npy").toString(), "--epochs", "1", "--batch-size", "8",
        "--no-shuffle", "--quiet", "--out", out.toString());
    assertEquals(0, r.code(), r.err() + r.out());
    assertTrue(r.out().strip().endsWith("}") && r.out().contains("\"steps\":8"), r.out());
    java.util.Map<String, NpyArray> after = org.kerasbridge.ndarray.Npz.read(
        t.resolve("after.npz"));
    try (var m = org.kerasbridge.KerasBridge.loadKeras(out, org.kerasbridge.graph.Device.CPU)) {
      java.util.Map<String, NpyArray> w = m.weightValues();
      for (String k : after.keySet()) {
        Comparison c = Comparison.ofEither(k, w.get(k), after.get(k), 1e-5, 1e-5);
        assertTrue(c.passed(), c.report());
      }
    }
    MainAccess.Run again = run("fit", t.resolve("initial.keras").toString(), "--x",
        t.resolve("x.npy").toString(), "--y", t.resolve("y.npy").toString(), "--out",
        out.toString());
    assertEquals(2, again.code(), "refuses to overwrite without --overwrite");
  }

  @Test
  void badInputIsExitTwoWithOneLine() throws Exception {
    Path junk = tmp.resolve("junk.npy");
    Files.writeString(junk, "not an array");
    MainAccess.Run r = run("predict", seed("mlp_classifier/saved_model").toString(), "--input",
        junk.toString(), "--output", tmp.resolve("y.npy").toString());
    assertEquals(2, r.code());
    assertTrue(r.err().startsWith("kerasbridge: error: ") && r.err().contains("junk.npy"),
        r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());

    // the wrong shape is refused before it reaches TensorFlow
    MainAccess.Run shape = run("predict", seed("mlp_classifier/saved_model").toString(), "--input",
        seed("mnist_cnn/input_0.npy").toString(), "--output", tmp.resolve("y.npy").toString());
    assertEquals(2, shape.code());
    assertTrue(shape.err().contains("input 0 '"), shape.err());
    assertTrue(shape.err().contains("expected float32 (None, 784)"), shape.err());

    MainAccess.Run missing = run("predict", tmp.resolve("nope").toString(), "--input", junk.toString(),
        "--output", tmp.resolve("y.npy").toString());
    assertEquals(2, missing.code());

    MainAccess.Run usage = run("predict");
    assertEquals(2, usage.code());
    assertTrue(usage.err().contains("usage error"), usage.err());
  }
}
