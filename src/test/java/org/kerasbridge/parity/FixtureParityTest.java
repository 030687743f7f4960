package org.kerasbridge.parity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.kerasbridge.fixtures.Fixtures;
import org.kerasbridge.graph.Device;
import org.kerasbridge.io.ModelFiles;
import org.kerasbridge.model.KerasModel;
import org.kerasbridge.ndarray.NpyArray;

/**
 * The parity promise: every fixture in models/ (seed models and per-layer cases), in every Keras
 * format it was written in (.keras, Keras 3 .h5, Keras-2-style .h5), loads into KerasBridge and
 * reproduces the outputs Python Keras computed, within the fixture's tolerance (1e-5). Stateful
 * fixtures also check a second call that carries the state forward; fixtures with None
 * dimensions check a second call on inputs of other sizes with the same loaded model.
 */
class FixtureParityTest {
  private static final List<String> KERAS_FORMATS = List.of("model.keras", "model.h5",
      "model_keras2.h5");

  @TestFactory
  List<DynamicNode> everyFixtureInEveryFormatMatchesKeras() {
    List<DynamicNode> nodes = new ArrayList<>();
    for (Fixtures.Fixture f : Fixtures.all()) {
      List<DynamicTest> tests = new ArrayList<>();
      for (String format : f.formats()) {
        if (!KERAS_FORMATS.contains(format)) {
          continue;
        }
        Path file = f.dir().resolve(format);
        tests.add(DynamicTest.dynamicTest(format, () -> check(f, file)));
      }
      if (!tests.isEmpty()) {
        nodes.add(DynamicContainer.dynamicContainer(f.name(), tests));
      }
    }
    assertFalse(nodes.isEmpty(), "no fixtures under " + Fixtures.models());
    return nodes;
  }

  static void check(Fixtures.Fixture f, Path file) {
    assertTrue(Files.isRegularFile(file), "fixture lists " + file + " but it is missing");
    try (KerasModel m = KerasModel.fromSpec(ModelFiles.read(file), Device.CPU)) {
      List<NpyArray> got = m.predict(f.inputs(), 32);
      List<NpyArray> expected = f.outputsFor(got);
      assertEquals(expected.size(), got.size(), "number of outputs");
      compare(f, file, "", got, expected);
      if (f.json().has("stateful_sequence") || f.json().has("second_probe")) {
        // stateful: the states carry over; second_probe: the same model on inputs of other sizes
        List<NpyArray> second = m.predict(f.arrays("inputs2"), 32);
        compare(f, file, "second call ", second, f.arrays("outputs2"));
      }
    }
  }

  private static void compare(Fixtures.Fixture f, Path file, String what, List<NpyArray> got,
      List<NpyArray> expected) {
    for (int k = 0; k < expected.size(); k++) {
      Comparison c = Comparison.of(f.name() + "/" + file.getFileName() + " " + what + "output "
          + k, got.get(k), expected.get(k), f.atol(), f.rtol());
      assertTrue(c.passed(), c.report());
      assertBitIdenticalIfFloat16(f.name() + "/" + file.getFileName() + " " + what + "output "
          + k, got.get(k), expected.get(k));
    }
  }

  /**
   * A float16 output (a half-precision dtype policy) must equal Keras's bit for bit: the same TF
   * kernels on the same float16 values. Keras's float16 outputs are stored widened to float32
   * (exact), so equal floats mean equal halves.
   */
  static void assertBitIdenticalIfFloat16(String what, NpyArray got, NpyArray expected) {
    if (got.dtype() != org.kerasbridge.ndarray.DType.FLOAT16) {
      return;
    }
    float[] g = got.toFloatArray();
    float[] e = expected.castTo(org.kerasbridge.ndarray.DType.FLOAT32).toFloatArray();
    int differing = 0;
    for (int i = 0; i < g.length; i++) {
      if (Float.floatToIntBits(g[i]) != Float.floatToIntBits(e[i])) {
        differing++;
      }
    }
    assertEquals(0, differing, what + ": " + differing + " of " + g.length
        + " float16 elements differ from Keras's (expected bit-identical)");
  }
}
