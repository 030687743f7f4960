package org.kerasbridge.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.kerasbridge.InvalidInputException;
import org.kerasbridge.KerasBridge;
import org.kerasbridge.fixtures.Fixtures;
import org.kerasbridge.graph.Device;
import org.kerasbridge.io.ModelSpec.NamedArray;
import org.kerasbridge.model.KerasModel;
import org.kerasbridge.ndarray.Npy;
import org.kerasbridge.ndarray.NpyArray;

/**
 * Keras weights files whose HDF5 names hold backslashes, as tf.keras 2.13-2.15 wrote them on
 * Windows (os.path.join): the backslash is read as the path separator, and hostile names that use
 * it to step up or nest without end are refused. Files: {@code src/test/resources/io/windows_paths/}
 * from {@code python-reference/windows_paths.py} (models/layers/lstm with only its weight paths
 * rewritten), and the corpus's tf.keras 2.13 file c017.
 */
class WindowsPathsTest {
  private static final Path DIR = IoFixtures.resources().resolve("windows_paths");
  private static final Path LSTM = Fixtures.models().resolve("layers/lstm");

  @ParameterizedTest
  @ValueSource(strings = {"windows.keras", "mixed.keras"})
  void backslashNamesAreNestedGroups(String name) throws Exception {
    Path file = DIR.resolve(name);
    ModelSpec spec = ModelFiles.read(file);
    List<NamedArray> w = spec.weights().get("lstm");
    assertEquals(List.of("cell/vars/0", "cell/vars/1", "cell/vars/2"),
        w.stream().map(NamedArray::name).toList());
    assertArrayEquals(new long[] {2, 12}, w.get(0).array().shape());
    assertTrue(spec.translations().stream().anyMatch(t -> t.contains("as the path separator")),
        "the backslash reading is noted: " + spec.translations());
    try (KerasModel m = KerasBridge.loadKeras(file, Device.CPU)) {
      NpyArray got = m.predict(List.of(Npy.read(LSTM.resolve("input_0.npy"))), 4).get(0);
      NpyArray want = Npy.read(LSTM.resolve("output_0.npy"));
      assertArrayEquals(want.toFloatArray(), got.toFloatArray(), 1e-6f);
    }
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "dotdot.keras|has an '..' path part",
      "absolute.keras|has an empty path part",
      "deep.keras|backslash-separated parts",
      "duplicate.keras|two HDF5 objects map to the weights path '/layers/lstm/cell/'"})
  void hostileBackslashNamesAreRefused(String name, String fragment) {
    Path file = DIR.resolve(name);
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> ModelFiles.read(file));
    assertTrue(e.getMessage().startsWith(file.toString()), "names the file: " + e.getMessage());
    assertTrue(e.getMessage().contains(fragment), "says \"" + fragment + "\": "
        + e.getMessage());
    assertTrue(e.getMessage().length() < 1000, "a short message: " + e.getMessage().length());
  }

  /**
   * tf.keras 2.13 (Windows, c017: Flatten, Dense, Dense) saved its layers as flatten, dense,
   * dense_2: a layer with weights used up two names of its class.
   */
  @Test
  void tfKeras213ContainerNamesSkipOnePerWeightedLayer() {
    ModelSpec spec = ModelFiles.read(Fixtures.models().resolve("corpus/c017/model.keras"));
    assertArrayEquals(new long[] {784, 90}, spec.weights().get("dense").get(0).array().shape());
    assertArrayEquals(new long[] {90, 10}, spec.weights().get("dense_1").get(0).array().shape());
  }
}
