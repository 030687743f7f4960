package org.kerasbridge.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.kerasbridge.io.ModelSpec.NamedArray;
import org.kerasbridge.ndarray.DType;

/**
 * Every real-world file of the keras-corpus reads, and what it returns matches what h5py sees in
 * the file (expectations made by python-reference/reader_expectations.py): layer names, weight
 * count, names, shapes, dtypes and value sums, and the optimizer weight count. The corpus lives
 * outside the repository; these tests are skipped, with a message, when it is absent.
 */
class CorpusReadTest {
  static Stream<Arguments> corpus() {
    List<Path> models = IoFixtures.corpusModels();
    if (models.isEmpty()) {
      return Stream.of(Arguments.of("(corpus absent)", null));
    }
    return models.stream().map(p -> Arguments.of(p.getParent().getFileName().toString(), p));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corpus")
  void readsAndMatchesWhatH5pySees(String id, Path file) {
    Assumptions.assumeTrue(file != null, "keras-corpus not found at " + IoFixtures.corpus());
    JsonNode exp = IoFixtures.expectations().path("corpus").path(id);
    Assumptions.assumeFalse(exp.isMissingNode(), "no expectations for " + id
        + " (rerun python-reference/reader_expectations.py)");
    ModelSpec spec = ModelFiles.read(file);

    assertEquals(exp.path("keras_version").asText(), spec.kerasVersion(), id);
    assertEquals(spec.kerasVersion().startsWith("3.") ? ModelSpec.Format.H5_KERAS3
        : ModelSpec.Format.H5_KERAS2, spec.format(), id);
    List<String> expectedLayers = new ArrayList<>();
    exp.path("layers").fieldNames().forEachRemaining(expectedLayers::add);
    assertEquals(expectedLayers.stream().sorted().toList(),
        spec.weights().keySet().stream().sorted().toList(), id + ": layers with weights");
    for (Iterator<Map.Entry<String, JsonNode>> it = exp.path("layers").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      List<NamedArray> got = spec.weightsOf(e.getKey());
      assertEquals(e.getValue().size(), got.size(), id + " layer " + e.getKey());
      for (int i = 0; i < got.size(); i++) {
        JsonNode w = e.getValue().get(i);
        NamedArray a = got.get(i);
        String what = id + " " + e.getKey() + "[" + i + "]";
        assertEquals(w.get(0).asText(), a.name(), what);
        assertArrayEquals(IoFixtures.shape(w.get(1)), a.array().shape(), what);
        assertEquals("float32", w.get(2).asText(), what + " stored dtype");
        assertEquals(DType.FLOAT32, a.array().dtype(), what);
        double s = w.get(3).asDouble();
        assertEquals(s, IoFixtures.sum(a.array()), 1e-7 * Math.max(1, Math.abs(s)), what);
      }
    }
    assertEquals(exp.path("optimizer_weights").asInt(), spec.optimizerVariables().size(),
        id + ": optimizer weights");
    if (spec.compileConfig() != null) {
      assertTrue(spec.compileConfig().path("optimizer").isObject(), id + ": compile optimizer");
    }
    ConfigSchemaAssertions.assertNormalized(spec.modelConfig(), id);
    // the config holds every layer of layer_names (except InputLayers a nested model owns)
    List<String> names = ConfigSchemaAssertions.allLayerNames(spec.modelConfig());
    for (JsonNode n : exp.path("layer_names")) {
      assertTrue(names.contains(n.asText()), id + ": config lacks layer " + n.asText());
    }
  }

  /** The Keras 2 quirks the corpus README lists per file are each translated, and noted. */
  @Test
  void corpusQuirksAreTranslated() {
    Path c = IoFixtures.corpus();
    Assumptions.assumeTrue(c.toFile().isDirectory(), "keras-corpus not found at " + c);
    Map<String, List<String>> expected = Map.of(
        "h06", List.of("wrapped the Keras <= 2.1 list-style Sequential",
            "moved first layer 'conv2d_3' batch_input_shape=[null,28,28,1] into an explicit"
                + " InputLayer 'conv2d_3_input'"),
        "h15", List.of("wrapped the Keras <= 2.1 list-style Sequential",
            "moved first layer 'embedding_6' batch_input_shape=[null,500]"),
        "h18", List.of("layer 'conv2d_transpose': dropped groups=1",
            "layer 'conv2d_transpose_1': dropped groups=1"),
        "h27", List.of("moved first layer 'lstm' batch_input_shape=[null,10,50]",
            "layer 'lstm': dropped time_major=false", "layer 'lstm_1': dropped time_major=false"),
        "h36", List.of("moved first layer 'lstm' batch_input_shape=[null,137,16]",
            "layer 'lstm': dropped time_major=false"),
        "h48", List.of("moved first layer 'conv2d_1' batch_input_shape=[null,28,28,1]"));
    for (Map.Entry<String, List<String>> e : expected.entrySet()) {
      Path f = c.resolve(e.getKey()).resolve("model.h5");
      Assumptions.assumeTrue(f.toFile().isFile(), "missing " + f);
      ModelSpec spec = ModelFiles.read(f);
      String all = String.join("\n", spec.translations());
      for (String s : e.getValue()) {
        assertTrue(all.contains(s), e.getKey() + ": expected a translation containing \"" + s
            + "\", got:\n" + all);
      }
      JsonNode layers = ConfigNormalizer.layersOf(spec.modelConfig());
      assertEquals("InputLayer", layers.get(0).path("class_name").asText(), e.getKey());
      for (JsonNode l : layers) {
        assertFalse(l.path("config").has("time_major"), e.getKey());
        assertFalse(l.path("config").has("batch_input_shape"), e.getKey());
        if (l.path("class_name").asText().equals("Conv2DTranspose")) {
          assertFalse(l.path("config").has("groups"), e.getKey());
        }
      }
    }
    // hard_sigmoid is left for the layer registry to interpret by keras_version
    Path h15 = c.resolve("h15/model.h5");
    ModelSpec s15 = ModelFiles.read(h15);
    assertEquals("2.0.9", s15.kerasVersion());
    assertEquals("hard_sigmoid", ConfigNormalizer.layersOf(s15.modelConfig()).get(2)
        .path("config").path("recurrent_activation").asText());
  }

  /** Files with a Lambda layer read as data; the marshalled bytecode is kept, never run. */
  @Test
  void lambdaFilesReadAsData() {
    Path c = IoFixtures.corpus();
    Assumptions.assumeTrue(c.toFile().isDirectory(), "keras-corpus not found at " + c);
    for (String[] idAndLayer : new String[][] {{"h03", "lambda_1"}, {"h42", "lambda_1"},
        {"h45", "z"}}) {
      ModelSpec spec = ModelFiles.read(c.resolve(idAndLayer[0]).resolve("model.h5"));
      JsonNode lambda = ConfigSchemaAssertions.findLayer(spec.modelConfig(), idAndLayer[1]);
      assertNotNull(lambda, idAndLayer[0] + ": Lambda layer " + idAndLayer[1]);
      assertEquals("Lambda", lambda.path("class_name").asText());
      JsonNode fn = lambda.path("config").path("function");
      assertEquals("__lambda__", fn.path("class_name").asText(), idAndLayer[0]);
      assertTrue(fn.path("config").path("code").asText().length() > 20, idAndLayer[0]);
    }
  }

  /** h45: Keras 2 numbered a nested model's calls from 1; the normalized config from 0. */
  @Test
  void nestedModelNodeIndicesAreZeroBased() {
    Path f = IoFixtures.corpus().resolve("h45/model.h5");
    Assumptions.assumeTrue(f.toFile().isFile(), "missing " + f);
    ModelSpec spec = ModelFiles.read(f);
    JsonNode cfg = spec.modelConfig().path("config");
    JsonNode decoder = ConfigSchemaAssertions.findLayer(spec.modelConfig(), "decoder");
    JsonNode history = decoder.path("inbound_nodes").get(0).path("args").get(0)
        .path("config").path("keras_history");
    assertEquals("[\"encoder\",0,2]", history.toString(), "Keras 2 wrote [encoder, 1, 2]");
    assertEquals("[[\"decoder\",0,0]]", cfg.path("output_layers").toString(),
        "Keras 2 wrote [decoder, 1, 0]");
    assertEquals(List.of("encoder", "decoder"), List.copyOf(spec.weights().keySet()));
  }
}
