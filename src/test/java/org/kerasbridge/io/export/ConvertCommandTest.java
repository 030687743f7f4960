package org.kerasbridge.io.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kerasbridge.KerasBridge;
import org.kerasbridge.cli.Main;
import org.kerasbridge.graph.Device;
import org.kerasbridge.io.ModelFiles;
import org.kerasbridge.io.ModelSpec;
import org.kerasbridge.model.InferenceModel;
import org.kerasbridge.ndarray.Npy;
import org.kerasbridge.ndarray.NpyArray;
import org.kerasbridge.parity.Comparison;

/**
 * {@code kerasbridge convert}: each direction between the formats, the format from the
 * extension or {@code --format}, and exit codes (0 written; 2 bad input or usage, with one line
 * on stderr).
 */
class ConvertCommandTest {
  @TempDir
  Path tmp;

  record Run(int code, String out, String err) {}

  static synchronized Run run(String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int code = Main.run(args);
      return new Run(code, out.toString(StandardCharsets.UTF_8),
          err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  private static Path fixture(String name, String file) {
    return PythonEnv.repo().resolve("models").resolve(name).resolve(file);
  }

  /** The converted model serves the fixture's outputs. */
  private static void assertServes(Path converted, String fixture) {
    NpyArray x = Npy.read(fixture(fixture, "input_0.npy"));
    NpyArray expected = Npy.read(fixture(fixture, "output_0.npy"));
    try (InferenceModel m = KerasBridge.load(converted, Device.CPU)) {
      NpyArray y = m.predict(List.of(x.castTo(m.inputs().get(0).dtype())), 32).get(0);
      Comparison c = Comparison.of(converted.toString(), y, expected, 1e-5, 0);
      assertTrue(c.passed(), c.report());
    }
  }

  @Test
  void convertsEveryReadableFormatToEveryWritableFormat() {
    String[][] directions = {
        {"model.keras", "out.h5"}, {"model.h5", "out.keras"}, {"model_keras2.h5", "k2.keras"},
        {"model_keras2.h5", "k2.h5"}, {"model.keras", "out_savedmodel"},
        {"model.h5", "out2_savedmodel"}, {"model_keras2.h5", "out3_savedmodel"}};
    for (String[] d : directions) {
      Path out = tmp.resolve(d[1]);
      Run r = run("convert", fixture("mlp_classifier", d[0]).toString(), "--out", out.toString());
      assertEquals(0, r.code(), d[0] + " -> " + d[1] + ": " + r.err());
      assertTrue(r.out().startsWith("wrote " + out), r.out());
      assertServes(out, "mlp_classifier");
    }
    // the .keras written from a Keras 2 file is a Keras 3 file
    ModelSpec back = ModelFiles.read(tmp.resolve("k2.keras"));
    assertEquals(ModelSpec.Format.KERAS_V3, back.format());
    assertEquals("3.15.1", back.kerasVersion());
  }

  @Test
  void formatOptionOverridesTheExtension() throws Exception {
    Path out = tmp.resolve("model.bin");
    Run r = run("convert", fixture("mlp_classifier", "model.h5").toString(), "--out",
        out.toString(), "--format", "keras");
    assertEquals(0, r.code(), r.err());
    byte[] head = java.util.Arrays.copyOf(Files.readAllBytes(out), 4);
    assertArrayEquals(new byte[] {'P', 'K', 3, 4}, head, "a .keras zip");
    assertEquals(ModelSpec.Format.KERAS_V3, ModelFiles.read(out).format());

    Path h5 = tmp.resolve("model.weights");
    assertEquals(0, run("convert", fixture("mlp_classifier", "model.keras").toString(), "--out",
        h5.toString(), "--format", "H5").code());
    assertEquals(ModelSpec.Format.H5_KERAS3, ModelFiles.read(h5).format());
  }

  @Test
  void badInputAndUsageExitTwoWithOneLine() throws Exception {
    // a SavedModel holds no Keras config
    Run sm = run("convert", fixture("mlp_classifier", "saved_model").toString(), "--out",
        tmp.resolve("x.keras").toString());
    assertEquals(2, sm.code());
    assertOneLine(sm.err(), "SavedModel");
    assertFalse(Files.exists(tmp.resolve("x.keras")));

    Run missing = run("convert", tmp.resolve("nope.keras").toString(), "--out",
        tmp.resolve("y.h5").toString());
    assertEquals(2, missing.code());
    assertOneLine(missing.err(), "nope.keras");

    Run badFormat = run("convert", fixture("mlp_classifier", "model.keras").toString(), "--out",
        tmp.resolve("z").toString(), "--format", "onnx");
    assertEquals(2, badFormat.code());
    assertOneLine(badFormat.err(), "onnx");

    Run noOut = run("convert", fixture("mlp_classifier", "model.keras").toString());
    assertEquals(2, noOut.code());
    assertTrue(noOut.err().contains("--out"), noOut.err());

    // an existing OUT is kept unless --overwrite
    Path existing = tmp.resolve("existing.h5");
    Files.writeString(existing, "keep me");
    Run refused = run("convert", fixture("mlp_classifier", "model.keras").toString(), "--out",
        existing.toString());
    assertEquals(2, refused.code());
    assertOneLine(refused.err(), "overwrite");
    assertEquals("keep me", Files.readString(existing));
    Run replaced = run("convert", fixture("mlp_classifier", "model.keras").toString(), "--out",
        existing.toString(), "--overwrite");
    assertEquals(0, replaced.code(), replaced.err());
    assertServes(existing, "mlp_classifier");
  }

  private static void assertOneLine(String err, String mentions) {
    String e = err.strip();
    assertFalse(e.isEmpty(), "no error message");
    assertEquals(1, e.lines().count(), "one line expected: " + e);
    assertTrue(e.startsWith("kerasbridge: "), e);
    assertTrue(e.contains(mentions), e);
  }
}
