package org.kerasbridge.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.kerasbridge.io.ModelSpec.NamedArray;

/**
 * Every seed fixture under models/ (python-reference/generate.py: the seed models' model.keras
 * and model.h5, the training fixtures' initial.keras and initial.h5) reads from both formats, and
 * both give the same layers, the same weights in the same order bit for bit, the
 * same graph and the same optimizer state.
 */
class SeedFixturesTest {
  static Stream<Arguments> seeds() {
    List<Path> files = IoFixtures.seedModels();
    if (files.isEmpty()) {
      return Stream.of(Arguments.of("(no models/)", null));
    }
    Path root;
    try {
      root = IoFixtures.repo().resolve("models").toRealPath();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return files.stream().map(f -> Arguments.of(root.relativize(f).toString(), f));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("seeds")
  void kerasAndH5Agree(String name, Path keras) {
    Assumptions.assumeTrue(keras != null, "no seed fixtures under models/");
    ModelSpec k = ModelFiles.read(keras);
    ModelSpec h = ModelFiles.read(IoFixtures.h5Twin(keras));
    assertEquals(ModelSpec.Format.KERAS_V3, k.format(), name);
    assertEquals(ModelSpec.Format.H5_KERAS3, h.format(), name);
    assertEquals(k.kerasVersion(), h.kerasVersion(), name);
    assertSameWeights(k, h, name);
    assertSameGraph(k.modelConfig(), h.modelConfig(), name);
    ConfigSchemaAssertions.assertNormalized(k.modelConfig(), name + " .keras");
    ConfigSchemaAssertions.assertNormalized(h.modelConfig(), name + " .h5");
    assertEquals(k.compileConfig() == null, h.compileConfig() == null, name + ": compiled");
    assertEquals(k.optimizerVariables().size(), h.optimizerVariables().size(), name);
    var ki = k.optimizerVariables().values().iterator();
    for (var hv : h.optimizerVariables().values()) {
      assertEquals(ki.next(), hv, name + ": optimizer variable values");
    }
  }

  static void assertSameWeights(ModelSpec a, ModelSpec b, String what) {
    assertEquals(List.copyOf(a.weights().keySet()), List.copyOf(b.weights().keySet()),
        what + ": layers with weights");
    for (String layer : a.weights().keySet()) {
      List<NamedArray> wa = a.weightsOf(layer);
      List<NamedArray> wb = b.weightsOf(layer);
      assertEquals(wa.size(), wb.size(), what + " " + layer);
      for (int i = 0; i < wa.size(); i++) {
        String at = what + " " + layer + "[" + i + "] " + wa.get(i).name() + " vs "
            + wb.get(i).name();
        assertArrayEquals(wa.get(i).array().shape(), wb.get(i).array().shape(), at);
        assertEquals(wa.get(i).array(), wb.get(i).array(), at);
      }
    }
  }

  /** Same layers (class and name, in order), same calls and same inputs/outputs, recursively. */
  static void assertSameGraph(JsonNode a, JsonNode b, String what) {
    assertEquals(signature(a), signature(b), what + ": graph");
  }

  private static String signature(JsonNode model) {
    StringBuilder s = new StringBuilder(model.path("class_name").asText()).append('(');
    for (JsonNode l : ConfigNormalizer.layersOf(model)) {
      s.append(l.path("class_name").asText()).append(' ')
          .append(ConfigNormalizer.layerName(l));
      if (ConfigNormalizer.isModel(l)) {
        s.append(signature(l));
      }
      for (JsonNode n : l.path("inbound_nodes")) {
        s.append(" <- ").append(histories(n.path("args"))).append(histories(n.path("kwargs")));
      }
      s.append("; ");
    }
    JsonNode cfg = model.path("config");
    return s.append(") in=").append(cfg.path("input_layers")).append(" out=")
        .append(cfg.path("output_layers")).toString();
  }

  private static String histories(JsonNode n) {
    StringBuilder s = new StringBuilder();
    if (n.isObject() && "__keras_tensor__".equals(n.path("class_name").asText())) {
      return n.path("config").path("keras_history").toString();
    }
    n.elements().forEachRemaining(c -> s.append(histories(c)));
    return s.toString();
  }
}
