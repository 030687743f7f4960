package org.kerasbridge.layers.norm;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.kerasbridge.fixtures.Fixtures;
import org.kerasbridge.graph.Device;
import org.kerasbridge.io.ModelFiles;
import org.kerasbridge.layers.core.LayerHarness;
import org.kerasbridge.model.KerasModel;
import org.kerasbridge.ndarray.Npy;
import org.kerasbridge.ndarray.NpyArray;

/**
 * Real-world files from the shared Keras corpus that exercise this package's layers, against the
 * outputs Keras 3.15.1 computed for them (the corpus promises parity within 1e-4): h24 (Keras
 * 2.1.5, InputLayer -> BatchNormalization -> Dense/Dropout stack) and h30 (Keras 2.8, two nested
 * Sequential models). Skipped when the corpus is not beside the repository.
 */
class CorpusBatchNormTest {
  @ParameterizedTest
  @ValueSource(strings = {"h24", "h30"})
  void matchesKeras(String id) {
    Path dir = Fixtures.shared().resolve("keras-corpus").resolve(id);
    assumeTrue(Files.isRegularFile(dir.resolve("model.h5")), "no corpus at " + dir);
    try (KerasModel m = KerasModel.fromSpec(ModelFiles.read(dir.resolve("model.h5")),
        Device.CPU)) {
      List<NpyArray> got = m.predict(List.of(Npy.read(dir.resolve("input_0.npy"))), 4);
      LayerHarness.assertClose(Npy.read(dir.resolve("output_0.npy")), got.get(0), 1e-4);
    }
  }
}
