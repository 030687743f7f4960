package org.kerasbridge.io.savedmodel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.kerasbridge.fixtures.Fixtures;
import org.kerasbridge.graph.Device;
import org.kerasbridge.ndarray.NpyArray;
import org.kerasbridge.parity.Comparison;

/** TF Java loads every seed SavedModel and reproduces Keras's outputs within the fixture's tolerance. */
class SavedModelParityTest {
  @TestFactory
  List<DynamicTest> everySavedModelMatchesKeras() {
    List<DynamicTest> tests = new ArrayList<>();
    for (Fixtures.Fixture f : Fixtures.seeds()) {
      Path dir = f.dir().resolve("saved_model");
      if (!f.formats().contains("saved_model")) {
        continue;
      }
      tests.add(DynamicTest.dynamicTest(f.name(), () -> {
        assertTrue(Files.isDirectory(dir), "fixture lists saved_model but it is missing: " + dir);
        try (SavedModel m = SavedModel.load(dir, Device.CPU, SavedModel.DEFAULT_SIGNATURE)) {
          List<NpyArray> expected = f.outputs();
          assertEquals(expected.size(), m.outputs().size(), m.summary());
          List<NpyArray> got = m.predict(f.inputs(), 32);
          for (int k = 0; k < expected.size(); k++) {
            Comparison c = Comparison.of(f.name() + " output " + k, got.get(k), expected.get(k),
                f.atol(), f.rtol());
            assertTrue(c.passed(), c.report());
          }
        }
      }));
    }
    assertFalse(tests.isEmpty(), "no SavedModel fixtures");
    assertEquals(11, tests.size(), "all eleven seed models have a SavedModel");
    return tests;
  }
}
