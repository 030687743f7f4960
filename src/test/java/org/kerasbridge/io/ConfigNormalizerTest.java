package org.kerasbridge.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.kerasbridge.InvalidInputException;
import org.kerasbridge.UnsupportedFeatureException;

/** Keras 3's own variant forms are brought into the one schema. */
class ConfigNormalizerTest {
  private static JsonNode normalize(String json) {
    return ConfigNormalizer.normalize(KerasJson.parse(json.replace('\'', '"'), "m.keras", "cfg"),
        "m.keras");
  }

  @Test
  void dtypePoliciesBecomeTheirNames() {
    JsonNode m = normalize("{'class_name': 'Sequential', 'config': {'name': 's', 'dtype':"
        + " {'module': 'keras', 'class_name': 'DTypePolicy', 'config': {'name': 'float32'},"
        + " 'registered_name': null}, 'layers': ["
        + "{'class_name': 'InputLayer', 'config': {'batch_shape': [null, 2], 'dtype': 'float32',"
        + " 'name': 'in'}},"
        + "{'class_name': 'Dense', 'config': {'name': 'a', 'dtype': {'class_name': 'DTypePolicy',"
        + " 'config': {'name': 'mixed_float16'}, 'shared_object_id': 1234}}},"
        + "{'class_name': 'Dense', 'config': {'name': 'b', 'dtype': {'class_name':"
        + " 'QuantizedDTypePolicy', 'config': {'mode': 'int8', 'source_name': 'float32'}}}},"
        + "{'class_name': 'TimeDistributed', 'config': {'name': 't', 'layer': {'class_name':"
        + " 'Dense', 'config': {'name': 'i', 'dtype': {'class_name': 'FloatDTypePolicy',"
        + " 'config': {'name': 'bfloat16'}}}}}}]}}");
    JsonNode layers = ConfigNormalizer.layersOf(m);
    assertEquals("float32", m.path("config").path("dtype").asText());
    assertEquals("mixed_float16", layers.get(1).path("config").path("dtype").asText());
    assertEquals("int8_from_float32", layers.get(2).path("config").path("dtype").asText());
    assertEquals("bfloat16", layers.get(3).path("config").path("layer").path("config")
        .path("dtype").asText());
    assertEquals("float16", ConfigNormalizer.computeDtype("mixed_float16"));
    assertEquals("float32", ConfigNormalizer.computeDtype("int8_from_float32"));
  }

  @Test
  void singleTripleAndNestedFunctionalIndices() {
    JsonNode m = normalize("{'class_name': 'Functional', 'config': {'name': 'f', 'layers': ["
        + "{'class_name': 'InputLayer', 'name': 'x', 'config': {'batch_shape': [null, 2],"
        + " 'dtype': 'float32', 'name': 'x'}, 'inbound_nodes': []},"
        + "{'class_name': 'Functional', 'name': 'g', 'config': {'name': 'g', 'layers': ["
        + "  {'class_name': 'InputLayer', 'name': 'gi', 'config': {'batch_shape': [null, 2],"
        + "   'dtype': 'float32', 'name': 'gi'}, 'inbound_nodes': []}],"
        + "  'input_layers': ['gi', 0, 0], 'output_layers': ['gi', 0, 0]},"
        + " 'inbound_nodes': [{'args': [{'class_name': '__keras_tensor__', 'config': {'shape':"
        + " [null, 2], 'dtype': 'float32', 'keras_history': ['x', 0, 0]}}], 'kwargs': {}}]}],"
        + " 'input_layers': ['x', 0, 0], 'output_layers': ['g', 1, 0]}}");
    JsonNode cfg = m.path("config");
    assertEquals("[[\"x\",0,0]]", cfg.path("input_layers").toString());
    assertEquals("[[\"g\",0,0]]", cfg.path("output_layers").toString(),
        "Keras 3 counts a nested Functional's calls from 1 in output_layers only");
    JsonNode g = ConfigSchemaAssertions.findLayer(m, "g");
    assertEquals("[[\"gi\",0,0]]", g.path("config").path("input_layers").toString());
    ConfigSchemaAssertions.assertNormalized(m, "normalized");
  }

  @Test
  void sequentialBuildInputShapeBecomesAnInputLayer() {
    JsonNode m = normalize("{'class_name': 'Sequential', 'config': {'name': 's',"
        + " 'build_input_shape': [null, 8], 'layers': [{'class_name': 'Dense', 'config':"
        + " {'name': 'dense', 'units': 1, 'dtype': 'mixed_float16'}}]}}");
    assertEquals("{\"class_name\":\"InputLayer\",\"config\":{\"batch_shape\":[null,8],"
        + "\"dtype\":\"float16\",\"sparse\":false,\"name\":\"dense_input\"}}",
        KerasJson.write(ConfigNormalizer.layersOf(m).get(0)));
  }

  @Test
  void pythonNonFiniteNumbersParse() {
    JsonNode n = KerasJson.parse("{\"max_value\": Infinity, \"x\": NaN, \"y\": -Infinity}",
        "m.h5", "config");
    assertTrue(Double.isInfinite(n.path("max_value").asDouble()));
    assertTrue(Double.isNaN(n.path("x").asDouble()));
  }

  @Test
  void subclassedOrMalformedConfigsAreRefused() {
    UnsupportedFeatureException u = assertThrows(UnsupportedFeatureException.class,
        () -> normalize("{'class_name': 'MyModel', 'config': {'units': 3}}"));
    assertTrue(u.getMessage().startsWith("m.keras: the model is a 'MyModel'"), u.getMessage());
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> normalize("{'class_name': 'Functional', 'config': {'name': 'f', 'layers': []}}"));
    assertTrue(e.getMessage().startsWith("m.keras: Functional model 'f' has no"), e.getMessage());
    e = assertThrows(InvalidInputException.class, () -> normalize("[1, 2]"));
    assertTrue(e.getMessage().startsWith("m.keras: "), e.getMessage());
  }
}
