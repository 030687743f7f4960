package org.kerasbridge.layers.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.kerasbridge.ShapeMismatchException;
import org.kerasbridge.layers.Layer;
import org.kerasbridge.ndarray.NpyArray;

/**
 * The noise layers in training (their inference path, the identity, is checked against Keras by
 * the fixtures spatial_dropout*, gaussian_*, alpha_dropout, dropout_noise_shape): which values
 * they can produce and how the draws are shared. Keras's random stream cannot be reproduced, so
 * these check the distribution's structure, with bounds wide enough (> 6 sigma) never to flake.
 */
class NoiseLayersTest {
  private static float[] train(String cls, String config, NpyArray x) {
    Layer l = LayerHarness.create(cls, config);
    return LayerHarness.run(l, List.of(x), null, List.of(), true).output().toFloatArray();
  }

  private static NpyArray ones(long... shape) {
    float[] v = new float[(int) Arrays.stream(shape).reduce(1, (a, b) -> a * b)];
    Arrays.fill(v, 1f);
    return NpyArray.ofFloats(shape, v);
  }

  @Test
  void spatialDropout2dDropsWholeChannelsPerSample() {
    // (batch 64, 5, 5, channels 8), channels_last: one draw per (sample, channel)
    float[] y = train("SpatialDropout2D", "{'name': 's', 'rate': 0.5}", ones(64, 5, 5, 8));
    int dropped = 0;
    for (int b = 0; b < 64; b++) {
      for (int c = 0; c < 8; c++) {
        float first = y[(b * 25) * 8 + c];
        assertTrue(first == 0f || first == 2f, "kept values are scaled by 1 / (1 - rate)");
        for (int p = 0; p < 25; p++) {
          assertEquals(first, y[(b * 25 + p) * 8 + c], "one draw per sample and channel");
        }
        dropped += first == 0f ? 1 : 0;
      }
    }
    assertTrue(dropped > 180 && dropped < 332, dropped + " of 512 channels dropped at rate 0.5");
  }

  @Test
  void spatialDropoutChannelsFirstSharesTheDrawOverTheLastAxes() {
    float[] y = train("SpatialDropout2D", "{'name': 's', 'rate': 0.5, 'data_format': "
        + "'channels_first'}", ones(16, 4, 3, 3));
    for (int bc = 0; bc < 64; bc++) {
      for (int p = 1; p < 9; p++) {
        assertEquals(y[bc * 9], y[bc * 9 + p]);
      }
    }
  }

  @Test
  void spatialDropoutRefusesTheWrongRankAndDropoutANoiseShapeThatCannotBroadcast() {
    Layer l = LayerHarness.create("SpatialDropout1D", "{'name': 's', 'rate': 0.5}");
    ShapeMismatchException e = assertThrows(ShapeMismatchException.class,
        () -> LayerHarness.run(l, List.of(ones(2, 3, 4, 5)), null, List.of(), false));
    assertTrue(e.getMessage().contains("layer 's' (SpatialDropout1D): expected an input of rank 3"),
        e.getMessage());
    Layer d = LayerHarness.create("Dropout", "{'name': 'd', 'rate': 0.5, 'noise_shape': [null, 2]}");
    e = assertThrows(ShapeMismatchException.class,
        () -> LayerHarness.run(d, List.of(ones(2, 3)), null, List.of(), true));
    assertTrue(e.getMessage().contains("noise_shape (None, 2) cannot broadcast"), e.getMessage());
  }

  @Test
  void dropoutNoiseShapeSharesTheDrawAlongItsOnes() {
    float[] y = train("Dropout", "{'name': 'd', 'rate': 0.5, 'noise_shape': [null, 1, 6]}",
        ones(32, 4, 6));
    for (int b = 0; b < 32; b++) {
      for (int t = 1; t < 4; t++) {
        for (int c = 0; c < 6; c++) {
          assertEquals(y[b * 24 + c], y[b * 24 + t * 6 + c], "shared along the axis of size 1");
        }
      }
    }
  }

  @Test
  void gaussianNoiseAddsZeroMeanNoiseOfTheGivenStddev() {
    int n = 40000;
    float[] y = train("GaussianNoise", "{'name': 'g', 'stddev': 0.5}", ones(n / 100, 100));
    double mean = Arrays.stream(toDoubles(y)).average().orElseThrow();
    double var = Arrays.stream(toDoubles(y)).map(v -> (v - 1) * (v - 1)).sum() / n;
    assertEquals(1.0, mean, 6 * 0.5 / Math.sqrt(n));
    assertEquals(0.25, var, 0.02);
  }

  @Test
  void gaussianDropoutMultipliesByOneCenteredNoise() {
    int n = 40000;
    float[] y = train("GaussianDropout", "{'name': 'g', 'rate': 0.2}", ones(n / 100, 100));
    double sd = Math.sqrt(0.2 / 0.8);
    double mean = Arrays.stream(toDoubles(y)).average().orElseThrow();
    double var = Arrays.stream(toDoubles(y)).map(v -> (v - 1) * (v - 1)).sum() / n;
    assertEquals(1.0, mean, 6 * sd / Math.sqrt(n));
    assertEquals(sd * sd, var, 0.02);
  }

  @Test
  void alphaDropoutMapsEveryElementToOneOfTwoAffineValues() {
    double rate = 0.2;
    double alphaP = -1.6732632423543772848170429916717 * 1.0507009873554804934193349852946;
    double a = Math.pow((1 - rate) * (1 + rate * alphaP * alphaP), -0.5);
    double b = -a * alphaP * rate;
    float[] y = train("AlphaDropout", "{'name': 'a', 'rate': 0.2}", ones(100, 100));
    int dropped = 0;
    for (float v : y) {
      boolean kept = Math.abs(v - (a + b)) < 1e-6;
      boolean drop = Math.abs(v - (a * alphaP + b)) < 1e-6;
      assertTrue(kept || drop, v + " is neither a*1+b nor a*alpha'+b");
      dropped += drop ? 1 : 0;
    }
    assertTrue(dropped > 1760 && dropped < 2240, dropped + " of 10000 dropped at rate 0.2");
  }

  @Test
  void badArgumentsAreReported() {
    assertEquals(1, LayerHarness.problems("GaussianDropout", "{'name': 'g', 'rate': 1.0}",
        "3.15.1").size());
    assertEquals(1, LayerHarness.problems("GaussianNoise", "{'name': 'g', 'stddev': -1}",
        "3.15.1").size());
    assertEquals(1, LayerHarness.problems("SpatialDropout2D", "{'name': 's', 'rate': 0.1, "
        + "'data_format': 'nhwc'}", "3.15.1").size());
    assertEquals(1, LayerHarness.problems("Rescaling", "{'name': 'r', 'scale': [[1, 2], [3]]}",
        "3.15.1").size());
    assertEquals(1, LayerHarness.problems("Rescaling", "{'name': 'r', 'scale': {'class_name': "
        + "'Foo', 'config': {}}}", "3.15.1").size());
    assertEquals(1, LayerHarness.problems("RandomRotation", "{'name': 'r', 'factor': 0.1, "
        + "'fill_mode': 'mirror'}", "3.15.1").size());
    assertEquals(1, LayerHarness.problems("RandomFlip", "{'name': 'r', 'mode': 'diagonal'}",
        "3.15.1").size());
    assertEquals(1, LayerHarness.problems("RandomZoom", "{'name': 'r', 'height_factor': 'big'}",
        "3.15.1").size());
    assertEquals(List.of(), LayerHarness.problems("RandomZoom", "{'name': 'r', 'height_factor': "
        + "[-0.1, 0.1], 'width_factor': null, 'fill_mode': 'constant', 'fill_value': 0.0, "
        + "'interpolation': 'nearest', 'seed': 3, 'data_format': 'channels_last'}", "3.15.1"));
  }

  @Test
  void rescalingRefusesAScaleThatDoesNotBroadcast() {
    Layer l = LayerHarness.create("Rescaling", "{'name': 'r', 'scale': [1, 2, 3]}");
    ShapeMismatchException e = assertThrows(ShapeMismatchException.class,
        () -> LayerHarness.run(l, List.of(ones(2, 4)), null, List.of(), false));
    assertTrue(e.getMessage().contains("layer 'r' (Rescaling): scale/offset of shape (3,)"),
        e.getMessage());
  }

  private static double[] toDoubles(float[] f) {
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      d[i] = f[i];
    }
    return d;
  }
}
