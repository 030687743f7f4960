package org.kerasbridge.layers.rnn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.kerasbridge.layers.Layer;
import org.kerasbridge.layers.Weight;
import org.kerasbridge.layers.core.LayerHarness;

/**
 * How the recurrent layers read Keras configs: every Keras 3 and Keras 2 argument is read or
 * reported, version-dependent defaults, and the refusals.
 */
class RecurrentConfigTest {
  private static final String KERAS3_LSTM = "{'name': 'lstm', 'trainable': true, 'dtype':"
      + " 'float32', 'return_sequences': false, 'return_state': false, 'go_backwards': false,"
      + " 'stateful': false, 'unroll': false, 'zero_output_for_mask': false, 'units': 3,"
      + " 'activation': 'tanh', 'recurrent_activation': 'sigmoid', 'use_bias': true,"
      + " 'kernel_initializer': {'module': 'keras.initializers', 'class_name': 'GlorotUniform',"
      + " 'config': {'seed': null}, 'registered_name': null}, 'recurrent_initializer':"
      + " 'orthogonal', 'bias_initializer': 'zeros', 'unit_forget_bias': true,"
      + " 'kernel_regularizer': null, 'recurrent_regularizer': null, 'bias_regularizer': null,"
      + " 'activity_regularizer': null, 'kernel_constraint': null, 'recurrent_constraint': null,"
      + " 'bias_constraint': null, 'dropout': 0.0, 'recurrent_dropout': 0.0, 'seed': null}";

  /** tf.keras 2.x adds time_major and implementation. */
  private static final String KERAS2_GRU = "{'name': 'gru', 'trainable': true, 'dtype':"
      + " 'float32', 'return_sequences': false, 'return_state': false, 'go_backwards': false,"
      + " 'stateful': false, 'unroll': false, 'time_major': false, 'units': 3, 'activation':"
      + " 'tanh', 'recurrent_activation': 'hard_sigmoid', 'use_bias': true,"
      + " 'kernel_initializer': {'class_name': 'GlorotUniform', 'config': {'seed': null}},"
      + " 'recurrent_initializer': {'class_name': 'Orthogonal', 'config': {'gain': 1.0, 'seed':"
      + " null}}, 'bias_initializer': {'class_name': 'Zeros', 'config': {}},"
      + " 'kernel_regularizer': null, 'recurrent_regularizer': null, 'bias_regularizer': null,"
      + " 'activity_regularizer': null, 'kernel_constraint': null, 'recurrent_constraint': null,"
      + " 'bias_constraint': null, 'dropout': 0.0, 'recurrent_dropout': 0.0, 'implementation':"
      + " 2}";

  @Test
  void everyKerasArgumentIsRead() {
    assertEquals(List.of(), LayerHarness.problems("LSTM", KERAS3_LSTM, "3.15.1"));
    assertEquals(List.of(), LayerHarness.problems("GRU", KERAS2_GRU, "2.11.0"));
    assertEquals(List.of(), LayerHarness.problems("Embedding", "{'name': 'e', 'input_dim': 5,"
        + " 'output_dim': 2, 'embeddings_initializer': 'uniform', 'embeddings_regularizer': null,"
        + " 'activity_regularizer': null, 'embeddings_constraint': null, 'mask_zero': true,"
        + " 'input_length': 8}", "2.11.0"));
  }

  private static long[] grubias(String version) {
    Layer l = LayerHarness.create("GRU", LayerHarness.json(KERAS2_GRU), version);
    try (LayerRun r = new LayerRun(l, new long[] {-1, 2, 4}, false, false)) {
      List<Weight> w = l.weights();
      assertEquals("gru/gru_cell/bias", w.get(2).path());
      return w.get(2).shape();
    }
  }

  /** Without reset_after, the default of the Keras that wrote the file applies. */
  @Test
  void gruResetAfterDefaultsByKerasVersion() {
    assertArrayEquals(new long[] {9}, grubias("2.2.4"));
    assertArrayEquals(new long[] {9}, grubias("2.3.1"));
    assertArrayEquals(new long[] {2, 9}, grubias("2.11.0"));
    assertArrayEquals(new long[] {2, 9}, grubias("3.15.1"));
    assertFalse(GRUCell.defaultResetAfter("1.2.2"));
    assertTrue(GRUCell.defaultResetAfter("2.4.0"));
    assertTrue(GRUCell.defaultResetAfter(""));
  }

  @Test
  void unitForgetBiasIsTheBiasInitializer() {
    Layer l = LayerHarness.create("LSTM", KERAS3_LSTM);
    try (LayerRun r = new LayerRun(l, new long[] {-1, 2, 4}, false, false)) {
      Weight bias = l.weights().get(2);
      assertEquals(List.of(4L, 3L), List.of(l.weights().get(0).shape()[0],
          l.weights().get(1).shape()[0]));
      assertEquals("UnitForgetBias", bias.initializer().path("class_name").asText());
      assertEquals(3, bias.initializer().path("config").path("units").asInt());
    }
  }

  private static void assertReported(String cls, String config, String version, String word) {
    List<String> p = LayerHarness.problems(cls, config, version);
    assertTrue(p.stream().anyMatch(s -> s.contains(word)), "expected a problem about '" + word
        + "', got " + p);
  }

  @Test
  void unsupportedValuesAreReported() {
    assertReported("LSTM", "{'name': 'l', 'units': 2, 'time_major': true}", "2.11.0",
        "time_major");
    assertReported("LSTM", "{'name': 'l', 'units': 2, 'peepholes': true}", "3.15.1",
        "peepholes");
    assertReported("Bidirectional", "{'name': 'b', 'merge_mode': 'max', 'layer':"
        + " {'class_name': 'LSTM', 'config': {'name': 'l', 'units': 2}}}", "3.15.1",
        "merge_mode");
    assertReported("Bidirectional", "{'name': 'b', 'layer': {'class_name': 'Dense', 'config':"
        + " {'name': 'd', 'units': 2}}}", "3.15.1", "Dense");
    assertReported("Bidirectional", "{'name': 'b', 'layer': {'class_name': 'LSTM', 'config':"
        + " {'name': 'l', 'units': 2}}, 'backward_layer': {'class_name': 'LSTM', 'config':"
        + " {'name': 'l2', 'units': 2}}}", "3.15.1", "go_backwards");
    assertReported("TimeDistributed", "{'name': 't', 'layer': {'class_name': 'Dense', 'config':"
        + " {'name': 'd', 'units': 2, 'activity_regularizer': 'l2'}}}", "3.15.1",
        "activity_regularizer");
    assertReported("Embedding", "{'name': 'e', 'input_dim': 5, 'output_dim': 2, 'lora_rank':"
        + " 4}", "3.15.1", "lora_rank");
    assertReported("RNN", "{'name': 'r', 'cell': {'class_name': 'StackedRNNCells', 'config':"
        + " {'cells': []}}}", "3.15.1", "cell");
  }

  @Test
  void genericRnnTakesItsCellsConfig() {
    Layer l = LayerHarness.create("RNN", "{'name': 'rnn', 'return_sequences': true, 'cell':"
        + " {'module': 'keras.layers', 'class_name': 'GRUCell', 'config': {'name': 'gru_cell',"
        + " 'units': 3, 'reset_after': false}, 'registered_name': null}}");
    try (LayerRun r = new LayerRun(l, new long[] {-1, 2, 4}, false, false)) {
      assertEquals(List.of("rnn/gru_cell/kernel", "rnn/gru_cell/recurrent_kernel",
          "rnn/gru_cell/bias"), l.weights().stream().map(Weight::path).toList());
      assertArrayEquals(new long[] {9}, l.weights().get(2).shape());
    }
  }
}
