package org.kerasbridge.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.kerasbridge.InvalidInputException;
import org.kerasbridge.io.h5.Keras2Translator;

/** Each Keras 1/2 config quirk is translated into Keras 3's schema, and noted. */
class Keras2TranslatorTest {
  private final List<String> notes = new ArrayList<>();

  private JsonNode translate(String json) {
    // single quotes keep the test configs readable
    JsonNode raw = KerasJson.parse(json.replace('\'', '"'), "test.h5", "config");
    JsonNode out = Keras2Translator.translate(raw, "test.h5", notes);
    assertEquals(json.replace('\'', '"').replaceAll("\\s", ""),
        KerasJson.write(raw).replaceAll("\\s", ""), "the input tree is not modified");
    return out;
  }

  private void assertNoted(String fragment) {
    assertTrue(notes.stream().anyMatch(n -> n.contains(fragment)),
        "expected a translation containing \"" + fragment + "\" in " + notes);
  }

  private static JsonNode layer(JsonNode model, int i) {
    return ConfigNormalizer.layersOf(model).get(i);
  }

  @Test
  void listSequentialAndFirstLayerBatchInputShape() {
    JsonNode m = translate("{'class_name': 'Sequential', 'config': ["
        + "{'class_name': 'Dense', 'config': {'name': 'dense_1', 'units': 2, 'dtype': 'float32',"
        + " 'batch_input_shape': [null, 3], 'activation': 'hard_sigmoid'}},"
        + "{'class_name': 'Dense', 'config': {'name': 'dense_2', 'units': 1,"
        + " 'batch_input_shape': [null, 2]}}]}");
    assertEquals("sequential", m.path("config").path("name").asText());
    assertEquals("{\"class_name\":\"InputLayer\",\"config\":{\"batch_shape\":[null,3],"
        + "\"dtype\":\"float32\",\"sparse\":false,\"name\":\"dense_1_input\"}}",
        KerasJson.write(layer(m, 0)));
    assertFalse(layer(m, 1).path("config").has("batch_input_shape"));
    assertFalse(layer(m, 2).path("config").has("batch_input_shape"));
    assertEquals("hard_sigmoid", layer(m, 1).path("config").path("activation").asText(),
        "activation names are never translated");
    assertNoted("model 'sequential': wrapped the Keras <= 2.1 list-style Sequential config");
    assertNoted("moved first layer 'dense_1' batch_input_shape=[null,3] into an explicit"
        + " InputLayer 'dense_1_input'");
    assertNoted("dropped batch_input_shape=[null,2] from layer 'dense_2'");
  }

  @Test
  void keras1InputDimBecomesAnInputLayer() {
    JsonNode m = translate("{'class_name': 'Sequential', 'config': [{'class_name': 'Dense',"
        + " 'config': {'name': 'dense_1', 'output_dim': 4, 'input_dim': 7}}]}");
    assertEquals("[null,7]", layer(m, 0).path("config").path("batch_shape").toString());
    assertFalse(layer(m, 1).path("config").has("input_dim"));
    assertEquals(4, layer(m, 1).path("config").path("output_dim").asInt(),
        "Keras 1 argument names are left for the layer registry to report");
  }

  private static final String FUNCTIONAL = "{'class_name': 'Model', 'config': {'name': 'm',"
      + " 'layers': ["
      + "{'name': 'a', 'class_name': 'InputLayer', 'config': {'batch_input_shape': [null, 4],"
      + "  'dtype': 'float32', 'sparse': false, 'name': 'a'}, 'inbound_nodes': []},"
      + "{'name': 'b', 'class_name': 'InputLayer', 'config': {'batch_input_shape': [null, 4],"
      + "  'dtype': 'float32', 'sparse': false, 'name': 'b'}, 'inbound_nodes': []},"
      + "{'name': 'd', 'class_name': 'Dense', 'config': {'name': 'd', 'units': 4},"
      + "  'inbound_nodes': [[['a', 0, 0, {}]], [['b', 0, 0]]]},"
      + "{'name': 'add', 'class_name': 'Add', 'config': {'name': 'add'},"
      + "  'inbound_nodes': [[['d', 0, 0, {}], ['d', 1, 0, {}]]]},"
      + "{'name': 'att', 'class_name': 'Attention', 'config': {'name': 'att'},"
      + "  'inbound_nodes': [[['add', 0, 0, {'mask': ['a', 0, 0], 'training': false}]]]}],"
      + " 'input_layers': [['a', 0, 0], ['b', 0, 0]], 'output_layers': [['att', 0, 0]]}}";

  @Test
  void modelBecomesFunctionalWithKeras3Nodes() {
    JsonNode m = translate(FUNCTIONAL);
    assertEquals("Functional", m.path("class_name").asText());
    assertNoted("model 'm': class_name Model -> Functional");
    assertNoted("model 'm': converted 4 inbound node(s)");
    assertEquals("[null,4]",
        layer(m, 0).path("config").path("batch_shape").toString());
    JsonNode d = layer(m, 2).path("inbound_nodes");
    assertEquals("{\"args\":[" + tensor("a", 0, 0) + "],\"kwargs\":{}}", KerasJson.write(d.get(0)));
    assertEquals("{\"args\":[" + tensor("b", 0, 0) + "],\"kwargs\":{}}", KerasJson.write(d.get(1)),
        "Keras 1 entries have no kwargs");
    assertEquals("{\"args\":[[" + tensor("d", 0, 0) + "," + tensor("d", 1, 0)
        + "]],\"kwargs\":{}}", KerasJson.write(layer(m, 3).path("inbound_nodes").get(0)),
        "a merge layer's inputs are one list argument");
    assertEquals("{\"args\":[" + tensor("add", 0, 0) + "],\"kwargs\":{\"mask\":"
        + tensor("a", 0, 0) + ",\"training\":false}}",
        KerasJson.write(layer(m, 4).path("inbound_nodes").get(0)),
        "tensor kwargs become keras tensors");
    assertEquals("[[\"a\",0,0],[\"b\",0,0]]", m.path("config").path("input_layers").toString());
    ConfigSchemaAssertions.assertNormalized(m, "translated");
  }

  private static String tensor(String layer, int node, int t) {
    return "{\"class_name\":\"__keras_tensor__\",\"config\":{\"shape\":null,\"dtype\":null,"
        + "\"keras_history\":[\"" + layer + "\"," + node + "," + t + "]}}";
  }

  @Test
  void tfKerasConstantsAndStructuredInputs() {
    JsonNode m = translate("{'class_name': 'Functional', 'config': {'name': 'm', 'layers': ["
        + "{'name': 'a', 'class_name': 'InputLayer', 'config': {'batch_input_shape': [null, 2],"
        + " 'dtype': 'float32', 'name': 'a'}, 'inbound_nodes': []},"
        + "{'name': 'op', 'class_name': 'TFOpLambda', 'config': {'name': 'op',"
        + " 'function': 'math.add'}, 'inbound_nodes': [[['_CONSTANT_VALUE', -1, 2.0,"
        + " {'y': ['a', 0, 0], 'name': null}]]]},"
        + "{'name': 'st', 'class_name': 'TFOpLambda', 'config': {'name': 'st',"
        + " 'function': 'stack'}, 'inbound_nodes': [[[['a', 0, 0, {}], ['op', 0, 0, {}]]]]}],"
        + " 'input_layers': [['a', 0, 0]], 'output_layers': [['st', 0, 0]]}}");
    assertEquals("{\"args\":[2.0],\"kwargs\":{\"y\":" + tensor("a", 0, 0)
        + ",\"name\":null}}", KerasJson.write(layer(m, 1).path("inbound_nodes").get(0)));
    assertEquals("{\"args\":[[" + tensor("a", 0, 0) + "," + tensor("op", 0, 0)
        + "]],\"kwargs\":{}}", KerasJson.write(layer(m, 2).path("inbound_nodes").get(0)));
  }

  @Test
  void nestedModelNodeIndicesAreRenumbered() {
    String seq = "{'name': 'seq', 'class_name': 'Sequential', 'config': {'name': 'seq', 'layers':"
        + " [{'class_name': 'Dense', 'config': {'name': 's1', 'units': 2,"
        + " 'batch_input_shape': [null, 3]}}]}, 'inbound_nodes': [[['in', 0, 0, {}]],"
        + " [['in', 0, 0, {}]]]}";
    String fn = "{'name': 'fn', 'class_name': 'Model', 'config': {'name': 'fn', 'layers': ["
        + "{'name': 'fi', 'class_name': 'InputLayer', 'config': {'batch_input_shape': [null, 2],"
        + " 'name': 'fi'}, 'inbound_nodes': []},"
        + "{'name': 'fd', 'class_name': 'Dense', 'config': {'name': 'fd', 'units': 2},"
        + " 'inbound_nodes': [[['fi', 0, 0, {}]]]}],"
        + " 'input_layers': [['fi', 0, 0]], 'output_layers': [['fd', 0, 0]]},"
        + " 'inbound_nodes': [[['seq', 1, 0, {}]]]}";
    JsonNode m = translate("{'class_name': 'Model', 'config': {'name': 'outer', 'layers': ["
        + "{'name': 'in', 'class_name': 'InputLayer', 'config': {'batch_input_shape': [null, 3],"
        + " 'name': 'in'}, 'inbound_nodes': []}, " + seq + ", " + fn + ","
        + "{'name': 'cat', 'class_name': 'Concatenate', 'config': {'name': 'cat'},"
        + " 'inbound_nodes': [[['seq', 2, 0, {}], ['fn', 1, 0, {}]]]}],"
        + " 'input_layers': [['in', 0, 0]],"
        + " 'output_layers': [['cat', 0, 0], ['seq', 2, 0], ['fn', 1, 0]]}}");
    JsonNode cfg = m.path("config");
    assertEquals("[\"seq\",0,0]", ConfigSchemaAssertions.findLayer(m, "fn").path("inbound_nodes")
        .get(0).path("args").get(0).path("config").path("keras_history").toString());
    JsonNode cat = ConfigSchemaAssertions.findLayer(m, "cat").path("inbound_nodes").get(0)
        .path("args").get(0);
    assertEquals("[\"seq\",1,0]", cat.get(0).path("config").path("keras_history").toString());
    assertEquals("[\"fn\",0,0]", cat.get(1).path("config").path("keras_history").toString());
    assertEquals("[[\"cat\",0,0],[\"seq\",1,0],[\"fn\",0,0]]",
        cfg.path("output_layers").toString());
    assertNoted("renumbered 3 reference(s) to nested Sequential 'seq'");
    assertNoted("renumbered 1 reference(s) to nested Functional 'fn'");
    // the nested Sequential's own first layer got its InputLayer
    JsonNode seqLayers = ConfigNormalizer.layersOf(ConfigSchemaAssertions.findLayer(m, "seq"));
    assertEquals("s1_input", seqLayers.get(0).path("config").path("name").asText());
    ConfigSchemaAssertions.assertNormalized(m, "nested");
  }

  private JsonNode oneLayer(String cls, String config) {
    JsonNode m = translate("{'class_name': 'Sequential', 'config': {'name': 's', 'layers': ["
        + "{'class_name': 'InputLayer', 'config': {'batch_input_shape': [null, 5, 3],"
        + " 'name': 'in'}}, {'class_name': '" + cls + "', 'config': " + config + "}]}}");
    return layer(m, 1).path("config");
  }

  @Test
  void neutralKeras2ArgumentsAreDroppedOthersKept() {
    JsonNode lstm = oneLayer("LSTM", "{'name': 'l', 'units': 2, 'time_major': false,"
        + " 'implementation': 2, 'recurrent_activation': 'hard_sigmoid'}");
    assertFalse(lstm.has("time_major"));
    assertEquals(2, lstm.path("implementation").asInt(), "Keras 3's LSTM takes implementation");
    assertNoted("layer 'l': dropped time_major=false (Keras 3 has no time_major)");
    assertEquals("hard_sigmoid", lstm.path("recurrent_activation").asText());

    JsonNode major = oneLayer("GRU", "{'name': 'g', 'units': 2, 'time_major': true}");
    assertTrue(major.path("time_major").asBoolean(), "a non-neutral value reaches the registry");

    JsonNode rnn = oneLayer("SimpleRNN", "{'name': 'r', 'units': 2, 'implementation': 1}");
    assertFalse(rnn.has("implementation"));
    assertNoted("layer 'r': dropped implementation=1");

    JsonNode tconv = oneLayer("Conv2DTranspose", "{'name': 't', 'filters': 2, 'groups': 1}");
    assertFalse(tconv.has("groups"));
    assertNoted("layer 't': dropped groups=1 (Keras 3's Conv2DTranspose has no groups argument)");
    assertEquals(2, oneLayer("DepthwiseConv2D", "{'name': 'dw', 'groups': 2}").path("groups")
        .asInt(), "groups != 1 is kept");
    assertEquals(1, oneLayer("Conv2D", "{'name': 'c', 'groups': 1}").path("groups").asInt(),
        "Keras 3's Conv2D has groups");

    JsonNode emb = oneLayer("Embedding", "{'name': 'e', 'input_dim': 9, 'output_dim': 2,"
        + " 'input_length': 5}");
    assertFalse(emb.has("input_length"));
    assertNoted("layer 'e': dropped input_length=5");

    JsonNode bn = oneLayer("BatchNormalization", "{'name': 'bn', 'axis': [2], 'fused': true,"
        + " 'virtual_batch_size': null, 'adjustment': null}");
    assertEquals(2, bn.path("axis").asInt());
    assertFalse(bn.has("fused") || bn.has("virtual_batch_size") || bn.has("adjustment"));
    assertNoted("layer 'bn': axis [2] -> 2");
    assertEquals(4, oneLayer("BatchNormalization", "{'name': 'bn2', 'virtual_batch_size': 4}")
        .path("virtual_batch_size").asInt());

    JsonNode sd = oneLayer("SpatialDropout1D", "{'name': 'sd', 'rate': 0.1, 'noise_shape': null}");
    assertFalse(sd.has("noise_shape"));

    JsonNode leaky = oneLayer("LeakyReLU", "{'name': 'lr', 'alpha': 0.1}");
    assertEquals(0.1, leaky.path("negative_slope").asDouble());
    assertFalse(leaky.has("alpha"));
    assertNoted("layer 'lr': renamed alpha=0.1 to negative_slope");

    JsonNode dense = oneLayer("Dense", "{'name': 'd', 'units': 2, 'kernel_initializer':"
        + " {'class_name': 'VarianceScaling', 'config': {'scale': 1.0, 'mode': 'fan_avg',"
        + " 'distribution': 'uniform', 'seed': null}}}");
    assertEquals("{\"class_name\":\"VarianceScaling\",\"config\":{\"scale\":1.0,\"mode\":"
        + "\"fan_avg\",\"distribution\":\"uniform\",\"seed\":null}}",
        KerasJson.write(dense.path("kernel_initializer")), "initializers are kept as they are");
  }

  @Test
  void gruWithoutResetAfterMeansFalse() {
    JsonNode old = oneLayer("GRU", "{'name': 'g', 'units': 2}");
    assertFalse(old.path("reset_after").asBoolean(true));
    assertNoted("layer 'g': added reset_after=false");
    assertTrue(oneLayer("GRU", "{'name': 'g2', 'units': 2, 'reset_after': true}")
        .path("reset_after").asBoolean());
  }

  @Test
  void wrappedLayersAreTranslatedToo() {
    JsonNode bi = oneLayer("Bidirectional", "{'name': 'bi', 'merge_mode': 'concat', 'layer':"
        + " {'class_name': 'LSTM', 'config': {'name': 'lstm_1', 'units': 2,"
        + " 'time_major': false}}}");
    assertFalse(bi.path("layer").path("config").has("time_major"));
    assertNoted("layer 'bi' > layer 'lstm_1': dropped time_major=false");
  }

  @Test
  void dtypePoliciesTuplesAndTensorShapes() {
    JsonNode d = oneLayer("Dense", "{'name': 'd', 'units': 2, 'dtype': {'class_name': 'Policy',"
        + " 'config': {'name': 'mixed_float16'}}, 'kernel_size': {'class_name': '__tuple__',"
        + " 'items': [3, 3]}, 'shape': {'class_name': 'TensorShape', 'items': [null, 4]}}");
    assertEquals("mixed_float16", d.path("dtype").asText());
    assertEquals("[3,3]", d.path("kernel_size").toString());
    assertEquals("[null,4]", d.path("shape").toString());
    assertNoted("layer 'd': dtype policy Policy -> \"mixed_float16\"");
    assertNoted("decoded 2 tf.keras JSON wrapper(s)");
  }

  @Test
  void lambdaBytecodeIsKeptAsOpaqueText() {
    String code = "4wEAAAAAAAAAAQAAAAIAAABDAAAAcwwAAAB8AABkAQAbZAIAGFMp";
    JsonNode l = oneLayer("Lambda", "{'name': 'lambda_1', 'function': ['" + code + "', null,"
        + " null], 'function_type': 'lambda', 'module': '__main__', 'output_shape': null,"
        + " 'output_shape_type': 'raw', 'arguments': {}}");
    assertEquals("{\"class_name\":\"__lambda__\",\"config\":{\"code\":\"" + code
        + "\",\"defaults\":null,\"closure\":null}}", KerasJson.write(l.path("function")));
    assertFalse(l.has("function_type") || l.has("module") || l.has("output_shape_type"));
    assertTrue(l.has("output_shape") && l.has("arguments"));
    assertNoted("layer 'lambda_1': Lambda function [code, defaults, closure] -> Keras 3"
        + " __lambda__ dict");
  }

  @Test
  void malformedConfigsNameTheFile() {
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> translate("{'class_name': 'Model', 'config': {'name': 'm', 'layers': ["
            + "{'name': 'd', 'class_name': 'Dense', 'config': {'name': 'd'},"
            + " 'inbound_nodes': [[['x', 0]]]}],"
            + " 'input_layers': [], 'output_layers': []}}"));
    assertTrue(e.getMessage().startsWith("test.h5: "), e.getMessage());
    assertTrue(e.getMessage().contains("[layer_name, node_index, tensor_index"), e.getMessage());
    e = assertThrows(InvalidInputException.class, () -> translate("{'config': {}}"));
    assertTrue(e.getMessage().startsWith("test.h5: "), e.getMessage());
  }
}
