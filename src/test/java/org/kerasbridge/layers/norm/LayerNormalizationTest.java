package org.kerasbridge.layers.norm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.kerasbridge.layers.core.LayerHarness.assertClose;
import static org.kerasbridge.layers.core.LayerHarness.create;
import static org.kerasbridge.layers.core.LayerHarness.random;
import static org.kerasbridge.layers.core.LayerHarness.randomMask;
import static org.kerasbridge.layers.core.LayerHarness.run;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.kerasbridge.layers.Layer;
import org.kerasbridge.layers.Weight;
import org.kerasbridge.layers.core.LayerHarness;
import org.kerasbridge.layers.core.LayerHarness.Result;
import org.kerasbridge.ndarray.NpyArray;

/**
 * LayerNormalization against Keras 3.15's {@code ops.layer_normalization} (per-sample mean and
 * biased variance over the normalized axes, {@code x * inv + (-mean * inv + beta)} with
 * {@code inv = rsqrt(var + eps) * gamma}), computed here in double.
 */
class LayerNormalizationTest {
  private static final NpyArray X = random(1, -3, 5, 4, 3, 5);

  /**
   * Normalizes groups of {@code group} consecutive values (the trailing axes in C order), with
   * gamma/beta indexed by position within the group (null: absent).
   */
  private static float[] expected(NpyArray x, int group, float[] gamma, float[] beta,
      double eps) {
    float[] v = x.toFloatArray();
    float[] out = new float[v.length];
    for (int s = 0; s < v.length; s += group) {
      double mean = 0;
      for (int i = 0; i < group; i++) {
        mean += v[s + i];
      }
      mean /= group;
      double var = 0;
      for (int i = 0; i < group; i++) {
        var += (v[s + i] - mean) * (v[s + i] - mean);
      }
      var /= group;
      for (int i = 0; i < group; i++) {
        double y = (v[s + i] - mean) / Math.sqrt(var + eps);
        out[s + i] = (float) (y * (gamma == null ? 1 : gamma[i]) + (beta == null ? 0 : beta[i]));
      }
    }
    return out;
  }

  @Test
  void normalizesTheLastAxisPerSample() {
    NpyArray g = random(2, 0.5, 2, 5);
    NpyArray b = random(3, -1, 1, 5);
    NpyArray mask = randomMask(4, 0.5, 4, 3);
    Layer l = create("LayerNormalization", "{'name': 'ln'}");
    Result r = run(l, List.of(X), List.of(mask), List.of(g, b), false);
    assertClose(X.shape(), expected(X, 5, g.toFloatArray(), b.toFloatArray(), 1e-3),
        r.output(), 1e-5);
    assertClose(mask, r.masks().get(0), 0);
    assertEquals(List.of("ln/gamma", "ln/beta"), l.weights().stream().map(Weight::path)
        .toList());
    // identical in a training graph
    Result t = run(create("LayerNormalization", "{'name': 'ln', 'epsilon': 1e-6}"),
        List.of(X), null, List.of(g, b), true);
    assertClose(X.shape(), expected(X, 5, g.toFloatArray(), b.toFloatArray(), 1e-6),
        t.output(), 1e-5);
  }

  @Test
  void normalizesSeveralAxesJointlyWithWeightsOfTheirShape() {
    NpyArray g = random(5, 0.5, 2, 3, 5);
    NpyArray b = random(6, -1, 1, 3, 5);
    for (String axes : List.of("[1, 2]", "[-1, -2]", "[2, 1]")) {
      Layer l = create("LayerNormalization", "{'name': 'ln', 'axis': " + axes + "}");
      Result r = run(l, List.of(X), null, List.of(g, b), false);
      assertArrayEquals(new long[] {3, 5}, l.weights().get(0).shape());
      assertClose(X.shape(), expected(X, 15, g.toFloatArray(), b.toFloatArray(), 1e-3),
          r.output(), 1e-5);
    }
  }

  @Test
  void normalizesAMiddleAxis() {
    NpyArray g = random(7, 0.5, 2, 3);
    NpyArray b = random(8, -1, 1, 3);
    Result r = run(create("LayerNormalization", "{'name': 'ln', 'axis': 1}"), List.of(X), null,
        List.of(g, b), false);
    // transpose (4, 3, 5) -> (4, 5, 3), normalize the last axis, transpose back
    float[] x = X.toFloatArray();
    float[] t = new float[x.length];
    for (int n = 0; n < 4; n++) {
      for (int i = 0; i < 3; i++) {
        for (int k = 0; k < 5; k++) {
          t[(n * 5 + k) * 3 + i] = x[(n * 3 + i) * 5 + k];
        }
      }
    }
    float[] e = expected(NpyArray.ofFloats(new long[] {4, 5, 3}, t), 3, g.toFloatArray(),
        b.toFloatArray(), 1e-3);
    float[] back = new float[x.length];
    for (int n = 0; n < 4; n++) {
      for (int i = 0; i < 3; i++) {
        for (int k = 0; k < 5; k++) {
          back[(n * 3 + i) * 5 + k] = e[(n * 5 + k) * 3 + i];
        }
      }
    }
    assertClose(X.shape(), back, r.output(), 1e-5);
  }

  @Test
  void centerAndScaleAreOptional() {
    NpyArray g = random(9, 0.5, 2, 5);
    Layer noCenter = create("LayerNormalization", "{'name': 'ln', 'center': false}");
    assertClose(X.shape(), expected(X, 5, g.toFloatArray(), null, 1e-3),
        run(noCenter, List.of(X), null, List.of(g), false).output(), 1e-5);
    assertEquals(List.of("gamma"), noCenter.weights().stream().map(Weight::name).toList());
    Layer none = create("LayerNormalization", "{'name': 'ln', 'center': false,"
        + " 'scale': false, 'epsilon': 0.01}");
    assertClose(X.shape(), expected(X, 5, null, null, 0.01),
        run(none, List.of(X)).output(), 1e-5);
    assertEquals(0, none.weights().size());
  }

  @Test
  void rmsScalingIsRefusedAndKerasTwoConfigsRead() {
    List<String> p = LayerHarness.problems("LayerNormalization",
        "{'name': 'ln', 'rms_scaling': true}", "3.15.1");
    assertEquals(1, p.size(), p.toString());
    assertTrue(p.get(0).contains("rms_scaling"));
    assertEquals(List.of(), LayerHarness.problems("LayerNormalization", "{'name': 'ln',"
        + " 'trainable': true, 'dtype': 'float32', 'axis': [2], 'epsilon': 0.001,"
        + " 'center': true, 'scale': true,"
        + " 'beta_initializer': {'class_name': 'Zeros', 'config': {}},"
        + " 'gamma_initializer': {'class_name': 'Ones', 'config': {}},"
        + " 'beta_regularizer': null, 'gamma_regularizer': null, 'beta_constraint': null,"
        + " 'gamma_constraint': null}", "2.11.0"));
  }
}
