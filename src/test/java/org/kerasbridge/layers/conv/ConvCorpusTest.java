package org.kerasbridge.layers.conv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.kerasbridge.fixtures.Fixtures;
import org.kerasbridge.graph.Device;
import org.kerasbridge.io.ModelFiles;
import org.kerasbridge.model.KerasModel;
import org.kerasbridge.ndarray.Npy;
import org.kerasbridge.ndarray.NpyArray;
import org.kerasbridge.parity.Comparison;

/**
 * Real-world files from the shared keras-corpus that use this package's layers (Keras 2.1 to
 * 2.14: Conv2D + MaxPooling2D CNNs, Conv2DTranspose decoders, Conv1D, GlobalMaxPooling1D) give
 * the outputs Keras 3 computed for them, within the corpus's tolerance.
 */
class ConvCorpusTest {
  @ParameterizedTest
  @ValueSource(strings = {"h06", "h09", "h18", "h39", "h48"})
  void corpusModelMatchesKeras(String id) throws Exception {
    Path dir = Fixtures.shared().resolve("keras-corpus").resolve(id);
    Assumptions.assumeTrue(Files.isRegularFile(dir.resolve("model.h5")), "no corpus at " + dir);
    JsonNode ref = new ObjectMapper().readTree(dir.resolve("keras_ref.json").toFile());
    double atol = ref.path("tolerance").path("atol").asDouble(1e-4);
    double rtol = ref.path("tolerance").path("rtol").asDouble(1e-4);
    List<NpyArray> inputs = new ArrayList<>();
    for (int i = 0; Files.exists(dir.resolve("input_" + i + ".npy")); i++) {
      inputs.add(Npy.read(dir.resolve("input_" + i + ".npy")));
    }
    try (KerasModel m = KerasModel.fromSpec(ModelFiles.read(dir.resolve("model.h5")),
        Device.CPU)) {
      List<NpyArray> got = m.predict(inputs, 4);
      int k = 0;
      for (; Files.exists(dir.resolve("output_" + k + ".npy")); k++) {
        Comparison c = Comparison.of(id + " output " + k, got.get(k),
            Npy.read(dir.resolve("output_" + k + ".npy")), atol, rtol);
        assertTrue(c.passed(), c.report());
      }
      assertEquals(k, got.size(), "number of outputs");
    }
  }
}
