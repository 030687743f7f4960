package org.kerasbridge.parity;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.kerasbridge.KerasBridge;
import org.kerasbridge.fixtures.Fixtures;
import org.kerasbridge.graph.Device;
import org.kerasbridge.losses.Losses;
import org.kerasbridge.model.KerasModel;
import org.kerasbridge.ndarray.NpyArray;
import org.kerasbridge.optimizers.Optimizers;

/**
 * The training half of the layer harness: every per-layer fixture model takes one SGD step on
 * its probe inputs. This proves TF Java can differentiate every layer as built (TF Java uses the
 * C++ gradient registry, which lacks some of Python's gradients) and that the step moves the
 * trainable weights. Step-exact numbers against Keras are TrainingParityTest's job. The
 * {@code policy_*} fixtures (half-precision dtype policies) must refuse the step instead.
 */
class LayerTrainingStepTest {
  @TestFactory
  List<DynamicTest> everyLayerFixtureTakesATrainingStep() {
    List<DynamicTest> tests = new ArrayList<>();
    for (Fixtures.Fixture f : Fixtures.all()) {
      if (!f.name().startsWith("layers/") || !Files.exists(f.dir().resolve("model.keras"))) {
        continue;
      }
      tests.add(DynamicTest.dynamicTest(f.name(), () -> step(f)));
    }
    assertFalse(tests.isEmpty());
    return tests;
  }

  private static void step(Fixtures.Fixture f) {
    try (KerasModel m = KerasBridge.loadKeras(f.dir().resolve("model.keras"), Device.CPU)) {
      List<NpyArray> targets = new ArrayList<>();
      for (NpyArray out : f.outputs()) {
        float[] v = out.castTo(org.kerasbridge.ndarray.DType.FLOAT32).toFloatArray();
        for (int i = 0; i < v.length; i++) {
          // away from the prediction, and not uniformly (a softmax ignores a uniform shift)
          v[i] += i % 3 == 0 ? 0.5f : -0.25f;
        }
        targets.add(NpyArray.ofFloats(out.shape(), v));
      }
      m.compile(Optimizers.create("sgd", 0.01), List.of(Losses.byName("mse", null)), List.of());
      if (f.name().startsWith("layers/policy_")) {
        // half-precision dtype policies: inference only; training is refused, naming the policy
        org.kerasbridge.UnsupportedFeatureException e = org.junit.jupiter.api.Assertions
            .assertThrows(org.kerasbridge.UnsupportedFeatureException.class,
                () -> m.trainOnBatch(f.inputs(), targets, null));
        assertTrue(e.getMessage().contains("dtype policy \"")
            && e.getMessage().contains("LossScaleOptimizer"), e.getMessage());
        return;
      }
      if (f.name().startsWith("layers/random_")) {
        // random image augmentation: the identity at inference, its training transforms are not
        // implemented, so training is refused naming the layer (nested models too)
        org.kerasbridge.UnsupportedFeatureException e = org.junit.jupiter.api.Assertions
            .assertThrows(org.kerasbridge.UnsupportedFeatureException.class,
                () -> m.trainOnBatch(f.inputs(), targets, null));
        assertTrue(e.getMessage().contains("trainOnBatch is not supported: layer '")
            && e.getMessage().contains("augments images at random in training"), e.getMessage());
        return;
      }
      Map<String, NpyArray> before = m.weightValues();
      double loss = m.trainOnBatch(f.inputs(), targets, null).get("loss");
      assertTrue(Double.isFinite(loss), f.name() + ": loss " + loss);
      if (!m.root().trainableWeights().isEmpty()) {
        Map<String, NpyArray> after = m.weightValues();
        assertFalse(before.equals(after), f.name() + ": no trainable weight moved");
      }
    }
  }
}
