package org.kerasbridge.layers.conv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.kerasbridge.fixtures.Fixtures;
import org.kerasbridge.graph.Device;
import org.kerasbridge.io.ModelFiles;
import org.kerasbridge.layers.Layer;
import org.kerasbridge.layers.Weight;
import org.kerasbridge.model.KerasModel;
import org.kerasbridge.ndarray.NpyArray;
import org.kerasbridge.parity.Comparison;

/**
 * The per-layer fixtures of {@code models/layers/} (written by
 * {@code python-reference/layer_fixtures.py}) whose {@code layer} is one of a package's classes,
 * as dynamic tests: in every format the fixture was written in, the model loads (which checks
 * every stored weight's shape against the shape the layer declares), each layer of the tested
 * class has weights named as in Keras 3, and the outputs match Keras's within the fixture's
 * tolerance with Keras's shape.
 */
public final class LayerFixtures {
  private static final Set<String> KERAS_FORMATS = Set.of("model.keras", "model.h5",
      "model_keras2.h5");

  private LayerFixtures() {}

  /** Tests for the fixtures of {@code classes}; skipped when models/layers is absent. */
  public static List<DynamicNode> forClasses(Set<String> classes) {
    Path dir = Fixtures.models().resolve("layers");
    Assumptions.assumeTrue(Files.isDirectory(dir), "no per-layer fixtures at " + dir
        + " (run python-reference/layer_fixtures.py)");
    List<DynamicNode> nodes = new ArrayList<>();
    for (Fixtures.Fixture f : Fixtures.all()) {
      String cls = f.json().path("layer").asText("");
      if (!f.dir().startsWith(dir) || !classes.contains(cls)) {
        continue;
      }
      List<DynamicTest> tests = new ArrayList<>();
      for (String format : f.formats()) {
        if (KERAS_FORMATS.contains(format)) {
          tests.add(DynamicTest.dynamicTest(format, () -> check(f, f.dir().resolve(format),
              cls)));
        }
      }
      nodes.add(DynamicContainer.dynamicContainer(f.dir().getFileName() + " ("
          + f.json().path("option").asText() + ")", tests));
    }
    Assumptions.assumeFalse(nodes.isEmpty(), "no fixtures for " + classes);
    return nodes;
  }

  private static void check(Fixtures.Fixture f, Path file, String cls) {
    try (KerasModel m = KerasModel.fromSpec(ModelFiles.read(file), Device.CPU)) {
      List<NpyArray> got = m.predict(f.inputs(), 32);
      List<NpyArray> expected = f.outputsFor(got);
      for (int k = 0; k < expected.size(); k++) {
        assertArrayEquals(expected.get(k).shape(), got.get(k).shape(), "output " + k + " shape");
        Comparison c = Comparison.of(f.dir().getFileName() + "/" + file.getFileName()
            + " output " + k, got.get(k), expected.get(k), f.atol(), f.rtol());
        assertTrue(c.passed(), c.report());
      }
      for (Layer l : m.root().layers()) {
        if (l.className().equals(cls)) {
          for (Weight w : l.weights()) {
            assertTrue(w.path().equals(l.name() + "/" + w.name()), "path " + w.path());
            assertTrue(Set.of("kernel", "bias", "depthwise_kernel", "pointwise_kernel")
                .contains(w.name()), "Keras 3 weight name, got " + w.name());
          }
        }
      }
    }
  }
}
