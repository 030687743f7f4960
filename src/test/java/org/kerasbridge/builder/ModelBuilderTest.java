package org.kerasbridge.builder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.kerasbridge.KerasBridge;
import org.kerasbridge.fixtures.Fixtures;
import org.kerasbridge.graph.Device;
import org.kerasbridge.losses.Losses;
import org.kerasbridge.model.FitOptions;
import org.kerasbridge.model.History;
import org.kerasbridge.model.KerasModel;
import org.kerasbridge.ndarray.NpyArray;
import org.kerasbridge.optimizers.Optimizers;
import org.kerasbridge.parity.Comparison;

class ModelBuilderTest {
  static KerasModel mlp(long seed) {
    return ModelBuilder.sequential("mlp")
        .add(Layers.input(784))
        .add(Layers.dense(32).optActivation("relu"))
        .add(Layers.dense(10).optActivation("softmax"))
        .build(Device.CPU, seed);
  }

  @Test
  void keraNamesAsKerasDoes() {
    assertEquals("conv2d", ModelBuilder.snake("Conv2D"));
    assertEquals("max_pooling2d", ModelBuilder.snake("MaxPooling2D"));
    assertEquals("simple_rnn", ModelBuilder.snake("SimpleRNN"));
    assertEquals("lstm", ModelBuilder.snake("LSTM"));
    assertEquals("time_distributed", ModelBuilder.snake("TimeDistributed"));
  }

  /** The builder's model is Keras's model: with Keras's weights it computes Keras's outputs. */
  @Test
  void builtModelWithKerasWeightsMatchesKeras() {
    var f = Fixtures.seeds().stream().filter(x -> x.name().equals("mlp_classifier"))
        .findFirst().orElseThrow();
    try (KerasModel java = mlp(1);
        KerasModel keras = KerasBridge.loadKeras(f.dir().resolve("model.keras"), Device.CPU)) {
      assertEquals(keras.countParams(), java.countParams());
      Map<String, NpyArray> w = new LinkedHashMap<>();
      Iterator<NpyArray> values = keras.weightValues().values().iterator();
      for (String path : java.weightValues().keySet()) {
        w.put(path, values.next());
      }
      java.setWeightValues(w);
      NpyArray got = java.predict(f.inputs()).get(0);
      Comparison c = Comparison.of("mlp", got, f.outputs().get(0), 1e-5, 0);
      assertTrue(c.passed(), c.report());
    }
  }

  @Test
  void predictTakesAndReturnsNdArrays() {
    var f = Fixtures.seeds().stream().filter(x -> x.name().equals("mlp_classifier"))
        .findFirst().orElseThrow();
    try (KerasModel keras = KerasBridge.loadKeras(f.dir().resolve("model.keras"), Device.CPU)) {
      org.tensorflow.ndarray.FloatNdArray x = org.tensorflow.ndarray.NdArrays.ofFloats(
          org.tensorflow.ndarray.Shape.of(f.inputs().get(0).shape()));
      f.inputs().get(0).asFloats().copyTo(x);
      org.tensorflow.ndarray.FloatNdArray y = keras.predictNd(List.of(x), 3).get(0);
      Comparison c = Comparison.of("nd", NpyArray.fromNdArray(y), f.outputs().get(0), 1e-5, 0);
      assertTrue(c.passed(), c.report());
    }
  }

  @Test
  void initializersFollowKerasDistributions() {
    try (KerasModel m = mlp(7)) {
      float[] kernel = m.weightValues().get("dense/kernel").toFloatArray();
      double limit = Math.sqrt(6.0 / (784 + 32));
      double max = 0;
      double sum = 0;
      for (float v : kernel) {
        max = Math.max(max, Math.abs(v));
        sum += v;
      }
      assertTrue(max <= limit && max > 0.9 * limit, "glorot_uniform limit " + limit + ", max " + max);
      assertTrue(Math.abs(sum / kernel.length) < 0.01);
      for (float v : m.weightValues().get("dense/bias").toFloatArray()) {
        assertEquals(0f, v);
      }
    }
    try (KerasModel a = mlp(3); KerasModel b = mlp(3)) {
      assertEquals(a.weightValues(), b.weightValues(), "same seed, same weights");
    }
  }

  @Test
  void functionalAutoencoderTrainsAndExposesItsCode() {
    ModelBuilder g = ModelBuilder.functional("autoencoder");
    KTensor in = g.input(Layers.input(16));
    KTensor code = Layers.dense(4).optActivation("relu").optName("code").call(in);
    KTensor out = Layers.dense(16).optActivation("sigmoid").call(code);
    try (KerasModel ae = g.outputs(out).build(Device.CPU, 5)) {
      ae.compile(Optimizers.create("adam", 0.01), Losses.byName("binary_crossentropy", null));
      float[] x = new float[64 * 16];
      java.util.SplittableRandom r = new java.util.SplittableRandom(1);
      for (int i = 0; i < x.length; i++) {
        x[i] = r.nextDouble() < 0.5 ? 0f : 1f;
      }
      NpyArray xs = NpyArray.ofFloats(new long[] {64, 16}, x);
      History h = ae.fit(List.of(xs), List.of(xs), FitOptions.defaults().setEpochs(20)
          .setBatchSize(16).optVerbose(false));
      List<Double> loss = h.get("loss");
      assertEquals(20, loss.size());
      assertTrue(loss.get(19) < loss.get(0), "loss falls: " + loss);
      NpyArray codes = ae.predictLayers(List.of(xs), 32, "code").get(0);
      assertArrayEquals(new long[] {64, 4}, codes.shape());
      assertEquals(20, ae.optimizer().iterations() / 4);
    }
  }

  @Test
  void validationSplitAndMetricsAreLogged() {
    try (KerasModel m = mlp(11)) {
      m.compile(Optimizers.create("rmsprop", 0.001),
          List.of(Losses.byName("categorical_crossentropy", null)), List.of("accuracy"));
      List<NpyArray> x = new ArrayList<>();
      float[] xv = new float[100 * 784];
      float[] yv = new float[100 * 10];
      for (int i = 0; i < 100; i++) {
        int label = i % 10;
        yv[i * 10 + label] = 1f;
        for (int j = 0; j < 784; j++) {
          xv[i * 784 + j] = (j % 10 == label) ? 1f : 0f;
        }
      }
      x.add(NpyArray.ofFloats(new long[] {100, 784}, xv));
      History h = m.fit(x, List.of(NpyArray.ofFloats(new long[] {100, 10}, yv)),
          FitOptions.defaults().setEpochs(3).setBatchSize(10).optValidationSplit(0.2)
              .optVerbose(false));
      assertEquals(List.of("accuracy", "loss", "val_accuracy", "val_loss"),
          new ArrayList<>(h.history().keySet()));
      assertTrue(h.get("accuracy").get(2) > 0.5, h.toString());
    }
  }
}
