package org.kerasbridge.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.kerasbridge.KerasBridge;
import org.kerasbridge.ShapeMismatchException;
import org.kerasbridge.UnsupportedFeatureException;
import org.kerasbridge.fixtures.Fixtures;
import org.kerasbridge.graph.Device;
import org.kerasbridge.io.ModelFiles;
import org.kerasbridge.io.ModelSpec;

/** Every refusal is a clear, typed error: nothing unsupported is approximated, nothing run. */
class RefusalTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void lambdaLayersFromRealFilesAreRefusedByName() {
    for (String[] c : new String[][] {{"h03", "lambda_1"}, {"h42", "lambda_1"}, {"h45", "z"}}) {
      Path file = Fixtures.shared().resolve("keras-corpus").resolve(c[0]).resolve("model.h5");
      assumeTrue(Files.exists(file), "keras-corpus not present beside the repository: " + file);
      UnsupportedFeatureException e = assertThrows(UnsupportedFeatureException.class,
          () -> KerasBridge.load(file, Device.CPU));
      assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
      assertTrue(e.getMessage().contains("'" + c[1] + "' (Lambda)"), e.getMessage());
      assertTrue(e.getMessage().contains("never runs code"), e.getMessage());
    }
  }

  /** A model with several problems lists all of them, each naming layer and argument. */
  @Test
  void everyUnsupportedItemIsListedAtOnce() throws Exception {
    ObjectNode cfg = (ObjectNode) JSON.readTree("""
        {"class_name": "Sequential", "config": {"name": "s", "layers": [
          {"class_name": "InputLayer", "config": {"name": "in", "batch_shape": [null, 4],
            "dtype": "float32"}},
          {"class_name": "Dense", "config": {"name": "d1", "units": 3, "activation": "mish2",
            "frobnicate": true}},
          {"class_name": "Dense", "config": {"name": "d2", "units": 3, "dtype": "float64"}},
          {"class_name": "MyLayer", "module": "my_project.layers", "registered_name":
            "Custom>MyLayer", "config": {"name": "mine"}},
          {"class_name": "Lambda", "config": {"name": "lam", "function": {"class_name":
            "__lambda__", "config": {"code": "4wEAAAAA"}}}}
        ]}}""");
    UnsupportedFeatureException e = assertThrows(UnsupportedFeatureException.class,
        () -> KerasModel.fromConfig(cfg, Device.CPU, 1));
    List<String> items = e.items();
    assertEquals(5, items.size(), String.join("\n", items));
    assertTrue(items.stream().anyMatch(i -> i.contains("'d1'") && i.contains("activation")
        && i.contains("mish2")), items.toString());
    assertTrue(items.stream().anyMatch(i -> i.contains("'d1'") && i.contains("frobnicate")),
        items.toString());
    assertTrue(items.stream().anyMatch(i -> i.contains("'d2'") && i.contains("float64")),
        items.toString());
    assertTrue(items.stream().anyMatch(i -> i.contains("'mine'") && i.contains("custom object")
        && i.contains("Custom>MyLayer")), items.toString());
    assertTrue(items.stream().anyMatch(i -> i.contains("'lam' (Lambda)")), items.toString());
  }

  /** A stored weight whose shape disagrees with the config is an error naming both shapes. */
  @Test
  void weightShapeMismatchNamesBothShapes() {
    Path file = Fixtures.models().resolve("mlp_classifier/model.keras");
    ModelSpec spec = ModelFiles.read(file);
    ObjectNode cfg = spec.modelConfig().deepCopy();
    // claim 16 units where the file stores 32
    for (var layer : cfg.path("config").path("layers")) {
      if (layer.path("config").path("name").asText().equals("dense")) {
        ((ObjectNode) layer.path("config")).put("units", 16);
      }
    }
    ModelSpec bad = new ModelSpec(spec.source(), spec.format(), spec.kerasVersion(), cfg,
        spec.weights(), null, Map.of(), List.of());
    ShapeMismatchException e = assertThrows(ShapeMismatchException.class,
        () -> KerasModel.fromSpec(bad, Device.CPU));
    assertTrue(e.getMessage().contains("[784, 16]") && e.getMessage().contains("[784, 32]"),
        e.getMessage());
    assertTrue(e.getMessage().contains("layer 'dense'") && e.getMessage().contains("kernel"),
        e.getMessage());
  }

  /**
   * Keras 3's legacy .h5 writer drops the op nodes' "module": an op config ({"name"} only, no
   * "trainable") is still read as the op, computing what the .keras file computes; a layer whose
   * call holds a constant argument is refused rather than called without it.
   */
  @Test
  void opsWithoutTheirModuleAreOpsAndLayersRefuseConstantArguments() {
    Fixtures.Fixture f = Fixtures.all().stream()
        .filter(x -> x.name().equals("layers/ops_arithmetic")).findFirst().orElseThrow();
    ModelSpec spec = ModelFiles.read(f.dir().resolve("model.keras"));
    ObjectNode cfg = spec.modelConfig().deepCopy();
    int stripped = 0;
    for (var layer : cfg.path("config").path("layers")) {
      if (layer.path("module").asText("").startsWith("keras.src.ops")) {
        ((ObjectNode) layer).remove("module");
        stripped++;
      }
    }
    assertTrue(stripped >= 5, "ops in the fixture: " + stripped);
    ModelSpec noModule = new ModelSpec(spec.source(), spec.format(), spec.kerasVersion(), cfg,
        spec.weights(), null, Map.of(), List.of());
    try (KerasModel m = KerasModel.fromSpec(noModule, Device.CPU)) {
      assertEquals(List.of(f.outputs().get(0).toFloatArray().length),
          List.of(m.predict(f.inputs(), 32).get(0).toFloatArray().length));
      assertTrue(java.util.Arrays.equals(f.outputs().get(0).toFloatArray(),
          m.predict(f.inputs(), 32).get(0).toFloatArray()), "the ops compute as in Keras");
    }
    // the same node given to the Add *layer* (its config has "trainable"): refused
    Fixtures.Fixture merge = Fixtures.all().stream()
        .filter(x -> x.name().equals("layers/merge_add")).findFirst().orElseThrow();
    ModelSpec ms = ModelFiles.read(merge.dir().resolve("model.keras"));
    ObjectNode mc = ms.modelConfig().deepCopy();
    for (var layer : mc.path("config").path("layers")) {
      if (layer.path("class_name").asText().equals("Add")) {
        var args = (com.fasterxml.jackson.databind.node.ArrayNode) layer.path("inbound_nodes")
            .get(0).path("args").get(0);
        args.add(3.0);
      }
    }
    ModelSpec bad = new ModelSpec(ms.source(), ms.format(), ms.kerasVersion(), mc,
        ms.weights(), null, Map.of(), List.of());
    UnsupportedFeatureException e = assertThrows(UnsupportedFeatureException.class,
        () -> KerasModel.fromSpec(bad, Device.CPU));
    assertTrue(e.getMessage().contains("(Add) is called with the constant 3.0"), e.getMessage());
  }
}
