package org.kerasbridge.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kerasbridge.UnsupportedFeatureException;
import org.kerasbridge.graph.Device;
import org.kerasbridge.losses.Losses;
import org.kerasbridge.model.FitOptions;
import org.kerasbridge.model.KerasModel;
import org.kerasbridge.ndarray.DType;
import org.kerasbridge.ndarray.Half;
import org.kerasbridge.ndarray.Npy;
import org.kerasbridge.ndarray.NpyArray;
import org.kerasbridge.optimizers.Optimizers;

/**
 * Keras dtype policies beyond the per-layer fixtures ({@code models/layers/policy_*}, checked by
 * FixtureParityTest): the policy's spellings, float16 outputs, the refusals (training, layers
 * whose half-precision semantics are not implemented) and the float16 conversions.
 */
class DTypePolicyTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode model(String denseDtype, String modelDtype) throws Exception {
    return JSON.readTree("""
        {"class_name": "Sequential", "config": {"name": "s", "dtype": %s, "layers": [
          {"class_name": "InputLayer", "config": {"name": "in", "batch_shape": [null, 3],
            "dtype": "float32"}},
          {"class_name": "Dense", "config": {"name": "d", "units": 2, "activation": "tanh",
            "dtype": %s}}]}}""".formatted(modelDtype, denseDtype));
  }

  private static final List<NpyArray> X = List.of(NpyArray.ofFloats(new long[] {2, 3},
      0.1f, -0.7f, 1.3f, 2.5f, 0.01f, -3f));

  /** A plain string, a DTypePolicy dict and a FloatDTypePolicy dict are the same policy. */
  @Test
  void thePolicySpellingsAgreeAndTheOutputIsFloat16() throws Exception {
    String dict = "{\"module\": \"keras\", \"class_name\": \"DTypePolicy\", \"config\":"
        + " {\"name\": \"float16\"}, \"registered_name\": null}";
    String floatDict = "{\"module\": \"keras\", \"class_name\": \"FloatDTypePolicy\","
        + " \"config\": {\"name\": \"float16\"}, \"registered_name\": null}";
    NpyArray plain;
    try (KerasModel m = KerasModel.fromConfig(model("\"float16\"", "\"float32\""), Device.CPU,
        7)) {
      plain = m.predict(X, 4).get(0);
    }
    assertEquals(DType.FLOAT16, plain.dtype(), "Keras's predict returns float16 here");
    for (String[] spelling : new String[][] {{dict, dict}, {floatDict, "\"float16\""}}) {
      try (KerasModel m = KerasModel.fromConfig(model(spelling[0], spelling[1]), Device.CPU, 7)) {
        NpyArray y = m.predict(X, 4).get(0);
        assertEquals(plain, y, spelling[0]);
      }
    }
  }

  /** mixed_float16 keeps float32 variables but computes, and returns, float16. */
  @Test
  void mixedFloat16ComputesInFloat16() throws Exception {
    try (KerasModel m32 = KerasModel.fromConfig(model("\"float32\"", "\"float32\""), Device.CPU,
        7);
        KerasModel m16 = KerasModel.fromConfig(model("\"mixed_float16\"", "\"mixed_float16\""),
            Device.CPU, 7)) {
      m16.setWeightValues(m32.weightValues());
      NpyArray y32 = m32.predict(X, 4).get(0);
      NpyArray y16 = m16.predict(X, 4).get(0);
      assertEquals(DType.FLOAT16, y16.dtype());
      assertEquals(DType.FLOAT32, m16.weightValues().values().iterator().next().dtype());
      float[] a = y32.toFloatArray();
      float[] b = y16.toFloatArray();
      boolean differs = false;
      for (int i = 0; i < a.length; i++) {
        assertEquals(a[i], b[i], 2e-3, "float16 is close to float32");
        differs |= a[i] != b[i];
      }
      assertTrue(differs, "a float16 computation rounds differently from a float32 one");
    }
  }

  /** Predict output of a float16 model written to .npy is float16, as numpy saves Keras's. */
  @Test
  void aFloat16OutputIsWrittenAsFloat16(@TempDir Path tmp) throws Exception {
    try (KerasModel m = KerasModel.fromConfig(model("\"float16\"", "\"float16\""), Device.CPU,
        7)) {
      NpyArray y = m.predict(X, 4).get(0);
      Path f = tmp.resolve("y.npy");
      Npy.write(f, y);
      assertTrue(new String(Files.readAllBytes(f), 0, 64,
          java.nio.charset.StandardCharsets.ISO_8859_1).contains("'descr': '<f2'"));
      NpyArray back = Npy.read(f);
      assertEquals(y, back);
      assertArrayEquals(y.toFloatArray(), back.castTo(DType.FLOAT32).toFloatArray());
    }
  }

  /** fit and trainOnBatch refuse a half-precision model (no loss scaling); evaluate works. */
  @Test
  void trainingIsRefusedNamingThePolicyButEvaluateWorks() throws Exception {
    try (KerasModel m = KerasModel.fromConfig(model("\"mixed_float16\"", "\"float32\""),
        Device.CPU, 7)) {
      m.compile(Optimizers.create("adam", 0.001), List.of(Losses.byName("mse", null)),
          List.of("mae"));
      List<NpyArray> y = List.of(NpyArray.ofFloats(new long[] {2, 2}, 0.5f, -0.5f, 0f, 1f));
      UnsupportedFeatureException e = assertThrows(UnsupportedFeatureException.class,
          () -> m.fit(X, y, FitOptions.defaults().setEpochs(1).setBatchSize(2)
              .optVerbose(false)));
      assertTrue(e.getMessage().contains("layer 'd' (Dense) has dtype policy \"mixed_float16\"")
          && e.getMessage().contains("LossScaleOptimizer"), e.getMessage());
      assertThrows(UnsupportedFeatureException.class, () -> m.trainOnBatch(X, y, null));
      Map<String, Double> logs = m.evaluate(X, y, 2);
      assertTrue(Double.isFinite(logs.get("loss")), logs.toString());
    }
  }

  /** A layer whose half-precision semantics are not implemented refuses the policy by name. */
  @Test
  void aLayerWithoutHalfPrecisionSupportRefusesThePolicy() throws Exception {
    JsonNode cfg = JSON.readTree("""
        {"class_name": "Sequential", "config": {"name": "s", "layers": [
          {"class_name": "InputLayer", "config": {"name": "in", "batch_shape": [null, 4, 4, 1],
            "dtype": "float32"}},
          {"class_name": "Conv2DTranspose", "config": {"name": "up", "filters": 1,
            "kernel_size": 2, "dtype": "mixed_float16"}},
          {"class_name": "Dense", "config": {"name": "d", "units": 2, "dtype": "float64"}}]}}""");
    UnsupportedFeatureException e = assertThrows(UnsupportedFeatureException.class,
        () -> KerasModel.fromConfig(cfg, Device.CPU, 1));
    String all = String.join("\n", e.items());
    assertTrue(all.contains("layer 'up' (Conv2DTranspose): argument 'dtype' = \"mixed_float16\""
        + " is not supported (expected float32 (the mixed_float16 dtype policy is not supported"
        + " for Conv2DTranspose layers"), all);
    assertTrue(all.contains("'d'") && all.contains("float64"), all);
  }

  @Test
  void halfConversionsRoundToNearestEvenAsNumpy() {
    assertEquals(0x3c00, Half.fromDouble(1.0) & 0xffff);
    assertEquals(0x7bff, Half.fromDouble(65504.0) & 0xffff);
    assertEquals(0x7bff, Half.fromDouble(65519.99) & 0xffff);
    assertEquals(0x7c00, Half.fromDouble(65520.0) & 0xffff, "the tie rounds to infinity");
    assertEquals(0xfc00, Half.fromDouble(Double.NEGATIVE_INFINITY) & 0xffff);
    assertEquals(0x0001, Half.fromDouble(0x1p-24) & 0xffff, "smallest subnormal");
    assertEquals(0x0000, Half.fromDouble(0x1p-25) & 0xffff, "half of it ties to even: zero");
    assertEquals(0x0002, Half.fromDouble(2.5 * 0x1p-24) & 0xffff, "tie to even");
    assertEquals(0x0400, Half.fromDouble(0x1p-14) & 0xffff, "smallest normal");
    assertEquals(0x3c00, Half.fromDouble(1.0 + 0x1p-11) & 0xffff, "tie to even (down)");
    assertEquals(0x3c02, Half.fromDouble(1.0 + 3 * 0x1p-11) & 0xffff, "tie to even (up)");
    assertEquals(0x8000, Half.fromDouble(-0.0) & 0xffff);
    for (int bits = 0; bits < 0x10000; bits++) {
      float f = Half.toFloat((short) bits);
      if (!Float.isNaN(f)) {
        assertEquals(bits, Half.fromDouble(f) & 0xffff, "round trip of " + bits);
      }
    }
    assertTrue(Float.isNaN(Half.toFloat((short) 0x7e00)));
  }
}
