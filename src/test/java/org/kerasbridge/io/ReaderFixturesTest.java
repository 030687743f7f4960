package org.kerasbridge.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.kerasbridge.InvalidInputException;
import org.kerasbridge.io.ModelSpec.NamedArray;
import org.kerasbridge.ndarray.DType;

/**
 * The small models of src/test/resources/io/models (python-reference/reader_expectations.py)
 * read from .keras and from .h5 into exactly what Keras 3's {@code layer.weights} lists: same
 * order, shapes, dtypes and values. They cover nested models with BatchNormalization and a frozen
 * layer (where legacy HDF5 stores another order), every kind of wrapper, a nested model called
 * twice, dict inputs, float64 layers and weights-only files.
 */
class ReaderFixturesTest {
  private static void assertMatchesKeras(ModelSpec spec, String fixture) {
    JsonNode exp = IoFixtures.expectations().path("fixtures").path(fixture);
    List<String> expectedLayers = new ArrayList<>();
    exp.path("layers").fieldNames().forEachRemaining(expectedLayers::add);
    String what = fixture + " (" + spec.format() + ")";
    assertEquals(expectedLayers, List.copyOf(spec.weights().keySet()), what + ": layers");
    for (Iterator<Map.Entry<String, JsonNode>> it = exp.path("layers").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      List<NamedArray> got = spec.weightsOf(e.getKey());
      assertEquals(e.getValue().size(), got.size(), what + " " + e.getKey() + ": " + got);
      for (int i = 0; i < got.size(); i++) {
        JsonNode w = e.getValue().get(i);
        String at = what + " " + e.getKey() + "[" + i + "] = Keras " + w.get(0).asText()
            + ", read " + got.get(i).name();
        assertArrayEquals(IoFixtures.shape(w.get(1)), got.get(i).array().shape(), at);
        assertEquals(w.get(2).asText(), got.get(i).array().dtype().kerasName(), at);
        double s = w.get(3).asDouble();
        assertEquals(s, IoFixtures.sum(got.get(i).array()), 1e-6 * Math.max(1, Math.abs(s)), at);
      }
    }
    assertEquals(exp.path("optimizer_variables").asInt(), spec.optimizerVariables().size(),
        what + ": optimizer variables");
    ConfigSchemaAssertions.assertNormalized(spec.modelConfig(), what);
  }

  @ParameterizedTest(name = "{0}/{1}")
  @CsvSource({"nested,model.keras", "nested,model.h5", "wrappers,model.keras",
      "wrappers,model.h5", "shared_inner,model.keras", "shared_inner,model.h5",
      "float64,model.keras", "float64,model.h5"})
  void readsWhatKerasHolds(String fixture, String file) {
    ModelSpec spec = ModelFiles.read(IoFixtures.readerModel(fixture, file));
    assertEquals(file.endsWith(".keras") ? ModelSpec.Format.KERAS_V3
        : ModelSpec.Format.H5_KERAS3, spec.format());
    assertEquals(IoFixtures.expectations().path("keras_version").asText(), spec.kerasVersion());
    assertTrue(spec.translations().isEmpty(), "Keras 3 files need no translation: "
        + spec.translations());
    assertMatchesKeras(spec, fixture);
  }

  @Test
  void kerasAndH5GiveIdenticalWeightsAndSameGraph() {
    for (String fixture : List.of("nested", "wrappers", "shared_inner", "float64")) {
      ModelSpec k = ModelFiles.read(IoFixtures.readerModel(fixture, "model.keras"));
      ModelSpec h = ModelFiles.read(IoFixtures.readerModel(fixture, "model.h5"));
      SeedFixturesTest.assertSameWeights(k, h, fixture);
      SeedFixturesTest.assertSameGraph(k.modelConfig(), h.modelConfig(), fixture);
    }
  }

  @Test
  void nestedModelWeightsAreRegroupedFromTheLegacyOrder() {
    ModelSpec h = ModelFiles.read(IoFixtures.readerModel("nested", "model.h5"));
    // The file stores trainable (inner_out) before non-trainable (frozen_dense, bn statistics).
    assertEquals(List.of("inner/frozen_dense/kernel", "inner/frozen_dense/bias", "inner/bn/gamma",
        "inner/bn/beta", "inner/bn/moving_mean", "inner/bn/moving_variance",
        "inner/inner_out/kernel", "inner/inner_out/bias"),
        h.weightsOf("inner").stream().map(NamedArray::name).toList());
    ModelSpec k = ModelFiles.read(IoFixtures.readerModel("nested", "model.keras"));
    assertEquals(List.of("layers/dense/vars/0", "layers/dense/vars/1",
        "layers/batch_normalization/vars/0", "layers/batch_normalization/vars/1",
        "layers/batch_normalization/vars/2", "layers/batch_normalization/vars/3",
        "layers/dense_1/vars/0", "layers/dense_1/vars/1"),
        k.weightsOf("inner").stream().map(NamedArray::name).toList());
    assertNotNull(k.compileConfig());
    assertEquals("Adam", k.compileConfig().path("optimizer").path("class_name").asText());
    assertEquals("Adam", h.compileConfig().path("optimizer").path("class_name").asText());
    assertEquals("optimizer/vars/0", k.optimizerVariables().keySet().iterator().next());
    assertEquals("adam/iteration", h.optimizerVariables().keySet().iterator().next());
    assertEquals(DType.INT64, k.optimizerVariables().get("optimizer/vars/0").dtype());
    assertEquals(k.optimizerVariables().size(), h.optimizerVariables().size());
    var ki = k.optimizerVariables().values().iterator();
    for (var hv : h.optimizerVariables().values()) {
      assertEquals(ki.next(), hv, "optimizer variables in the same order, same values");
    }
  }

  @Test
  void sharedNestedModelAndDictInputs() {
    for (String file : List.of("model.keras", "model.h5")) {
      ModelSpec spec = ModelFiles.read(IoFixtures.readerModel("shared_inner", file));
      JsonNode cfg = spec.modelConfig().path("config");
      assertEquals("[[\"a\",0,0],[\"b\",0,0]]", cfg.path("input_layers").toString(), file);
      assertEquals("[\"a\",\"b\"]", cfg.path("input_keys").toString(), file);
      assertEquals("[[\"cat\",0,0]]", cfg.path("output_layers").toString(), file);
      JsonNode cat = ConfigSchemaAssertions.findLayer(spec.modelConfig(), "cat");
      JsonNode args = cat.path("inbound_nodes").get(0).path("args").get(0);
      assertEquals("[\"inner_f\",0,0]", args.get(0).path("config").path("keras_history")
          .toString(), file);
      assertEquals("[\"inner_f\",1,0]", args.get(1).path("config").path("keras_history")
          .toString(), file);
      JsonNode inner = ConfigSchemaAssertions.findLayer(spec.modelConfig(), "inner_f");
      assertEquals("Functional", inner.path("class_name").asText());
      assertEquals(2, inner.path("inbound_nodes").size());
      assertEquals("[[\"inner_dense\",0,0]]", inner.path("config").path("output_layers")
          .toString());
    }
  }

  @Test
  void float64LayersKeepFloat64() {
    ModelSpec spec = ModelFiles.read(IoFixtures.readerModel("float64", "model.h5"));
    assertEquals(DType.FLOAT64, spec.weightsOf("d64").get(0).array().dtype());
    assertEquals(DType.FLOAT32, spec.weightsOf("d32").get(0).array().dtype());
    assertEquals("float64", ConfigNormalizer.layersOf(spec.modelConfig()).get(1).path("config")
        .path("dtype").asText());
  }

  @Test
  void float64StoredForFloat32LayersIsConvertedAndNoted() {
    ModelSpec f64 = ModelFiles.read(IoFixtures.readerModel("nested", "stored_f64.h5"));
    ModelSpec f32 = ModelFiles.read(IoFixtures.readerModel("nested", "model.h5"));
    SeedFixturesTest.assertSameWeights(f32, f64, "stored_f64");
    assertTrue(f64.translations().contains("layer 'inner': 8 weight(s) stored as float64"
        + " converted to float32 (as Keras does when it assigns them to float32 variables)"),
        String.join("\n", f64.translations()));
  }

  @Test
  void weightsOnlyFileReadsWithItsConfigJson() {
    Path weights = IoFixtures.readerModel("weights_only", "model.weights.h5");
    Path json = IoFixtures.readerModel("weights_only", "model.json");
    ModelSpec spec = ModelFiles.read(weights, json);
    assertEquals(ModelSpec.Format.WEIGHTS_H5, spec.format());
    assertEquals("", spec.kerasVersion());
    assertEquals("Adam", spec.compileConfig().path("optimizer").path("class_name").asText(),
        "model.to_json() of a compiled model carries compile_config");
    assertMatchesKeras(spec, "weights_only");
    assertEquals(List.of("dense", "bn", "dense_out"), List.copyOf(spec.weights().keySet()));

    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> ModelFiles.read(weights));
    assertTrue(e.getMessage().startsWith(weights.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("ModelFiles.read(weights, configJson)"), e.getMessage());
  }

  @Test
  void configJsonOfADotKerasReadsWithItsWeights(@org.junit.jupiter.api.io.TempDir Path tmp)
      throws Exception {
    // the config.json and model.weights.h5 of a .keras, taken apart
    Path keras = IoFixtures.readerModel("wrappers", "model.keras");
    try (var zip = new java.util.zip.ZipFile(keras.toFile())) {
      for (String n : List.of("config.json", "model.weights.h5", "metadata.json")) {
        try (var in = zip.getInputStream(zip.getEntry(n))) {
          java.nio.file.Files.copy(in, tmp.resolve(n));
        }
      }
    }
    ModelSpec pair = ModelFiles.read(tmp.resolve("model.weights.h5"), tmp.resolve("config.json"));
    ModelSpec whole = ModelFiles.read(keras);
    SeedFixturesTest.assertSameWeights(whole, pair, "wrappers pair");
    assertEquals(whole.modelConfig(), pair.modelConfig());
    assertEquals(whole.compileConfig(), pair.compileConfig());
    // and the unzipped directory form (model.save(dir, zipped=False))
    ModelSpec dir = ModelFiles.read(tmp);
    assertEquals(ModelSpec.Format.KERAS_V3, dir.format());
    assertEquals(whole.kerasVersion(), dir.kerasVersion());
    SeedFixturesTest.assertSameWeights(whole, dir, "wrappers dir");
  }
}
