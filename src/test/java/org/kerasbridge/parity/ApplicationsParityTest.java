package org.kerasbridge.parity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.kerasbridge.KerasBridge;
import org.kerasbridge.graph.Device;
import org.kerasbridge.io.KerasJson;
import org.kerasbridge.io.export.PythonEnv;
import org.kerasbridge.model.KerasModel;
import org.kerasbridge.ndarray.Npy;
import org.kerasbridge.ndarray.NpyArray;

/**
 * Keras's own architectures (EfficientNet B0 and V2-B0, MobileNet V1-V3, DenseNet, NASNet,
 * ResNetV2, Inception V3, Xception, ConvNeXt, VGG), built by Keras 3.15 with random weights
 * (python-reference/applications.py, run here into target/ with the pinned venv), load from
 * .keras and from Keras 3's legacy .h5, and reproduce Keras's logits. They exercise what the
 * per-layer fixtures do not: the layer and op mixes of real architectures (Rescaling with a
 * per-channel list, Normalization with given statistics, Dropout noise_shape, hard_silu, Keras
 * ops with constants, LayerScale), at depth. Measured bit-identical (0 ulps) on every model;
 * the stated tolerance is the float32 inference one, 1e-5 absolute or relative per element.
 */
class ApplicationsParityTest {
  private static final double TOL = 1e-5;

  @TestFactory
  List<DynamicTest> kerasApplicationsMatchKeras() throws Exception {
    assumeTrue(PythonEnv.python() != null, PythonEnv::missingReason);
    Path out = PythonEnv.repo().resolve("target/applications");
    Path manifest = out.resolve("manifest.json");
    if (!Files.isRegularFile(manifest)) {
      generate(out);
    }
    JsonNode m = KerasJson.MAPPER.readTree(manifest.toFile());
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode a : m.path("applications")) {
      Path d = out.resolve(a.path("name").asText());
      for (JsonNode f : a.path("files")) {
        Path file = d.resolve(f.asText());
        tests.add(DynamicTest.dynamicTest(a.path("name").asText() + " " + f.asText(), () -> {
          NpyArray x = Npy.read(d.resolve("x.npy"));
          NpyArray y = Npy.read(d.resolve("y.npy"));
          try (KerasModel model = KerasBridge.loadKeras(file, Device.CPU)) {
            List<NpyArray> got = model.predict(List.of(x), 2);
            assertEquals(1, got.size());
            Comparison c = Comparison.ofEither(a.path("name").asText() + "/" + f.asText(),
                got.get(0), y, TOL, TOL);
            assertTrue(c.passed(), c.report());
          }
        }));
      }
    }
    assertEquals(12, tests.size() / 2, "applications in " + manifest);
    return tests;
  }

  private static void generate(Path out) throws IOException, InterruptedException {
    Files.createDirectories(out);
    Path log = out.resolve("applications.log");
    Process p = new ProcessBuilder(PythonEnv.python().toString(),
        PythonEnv.repo().resolve("python-reference/applications.py").toString(), out.toString())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!p.waitFor(600, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("applications.py did not finish in 600 s; see " + log);
    }
    assertEquals(0, p.exitValue(), "applications.py failed: " + Files.readString(log));
  }
}
