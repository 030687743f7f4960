package org.kerasbridge.layers.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.kerasbridge.layers.core.LayerHarness.assertClose;
import static org.kerasbridge.layers.core.LayerHarness.create;
import static org.kerasbridge.layers.core.LayerHarness.random;
import static org.kerasbridge.layers.core.LayerHarness.randomMask;
import static org.kerasbridge.layers.core.LayerHarness.run;

import java.util.List;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;
import org.kerasbridge.ShapeMismatchException;
import org.kerasbridge.layers.Layer;
import org.kerasbridge.layers.core.LayerHarness.Result;
import org.kerasbridge.ndarray.NpyArray;

/**
 * The activation layers and ActivityRegularization against Keras 3's definitions
 * (keras/src/layers/activations, keras/src/activations/activations.py), element by element.
 */
class ActivationLayersTest {
  private static final NpyArray X = random(1, -8, 8, 4, 3, 6);

  private static float[] map(NpyArray x, DoubleUnaryOperator f) {
    float[] v = x.toFloatArray();
    float[] out = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = (float) f.applyAsDouble(v[i]);
    }
    return out;
  }

  private static NpyArray apply(String cls, String config) {
    return run(create(cls, config), List.of(X)).output();
  }

  /** Keras 3's ReLU: max_value above, x in (threshold, max_value), slope*(x - threshold) else. */
  private static DoubleUnaryOperator relu(double slope, Double max, double threshold) {
    return x -> {
      if (max != null && x >= max) {
        return x > threshold ? max : slope * (x - threshold);
      }
      return x > threshold ? x : slope * (x - threshold);
    };
  }

  @Test
  void reluFollowsKerasPiecewiseDefinitionForEveryOptionCombination() {
    Object[][] cases = {
        {"{}", 0.0, null, 0.0},
        {"{'max_value': 6.0}", 0.0, 6.0, 0.0},
        {"{'max_value': 6}", 0.0, 6.0, 0.0},
        {"{'max_value': 3.0}", 0.0, 3.0, 0.0},
        {"{'max_value': 0.0}", 0.0, 0.0, 0.0},
        {"{'negative_slope': 0.1}", 0.1, null, 0.0},
        {"{'threshold': 1.5}", 0.0, null, 1.5},
        {"{'max_value': 4.0, 'negative_slope': 0.25, 'threshold': 1.0}", 0.25, 4.0, 1.0},
        {"{'max_value': 6.0, 'negative_slope': 0.3}", 0.3, 6.0, 0.0},
        {"{'max_value': 6.0, 'threshold': 2.0}", 0.0, 6.0, 2.0},
        {"{'negative_slope': 0.3, 'threshold': 2.0}", 0.3, null, 2.0},
        {"{'max_value': null, 'negative_slope': 0.0, 'threshold': 0.0}", 0.0, null, 0.0},
    };
    for (Object[] c : cases) {
      String cfg = ((String) c[0]).replace("{", "{'name': 'r', ").replace(", }", "}");
      assertClose(X.shape(), map(X, relu((double) c[1], (Double) c[2], (double) c[3])),
          apply("ReLU", cfg), 1e-6);
    }
  }

  @Test
  void reluRefusesWhatKerasRejects() {
    assertEquals(1, LayerHarness.problems("ReLU", "{'name': 'r', 'max_value': -1}", "3.15.1")
        .size());
    assertEquals(1, LayerHarness.problems("ReLU", "{'name': 'r', 'negative_slope': -0.1}",
        "3.15.1").size());
    assertEquals(1, LayerHarness.problems("ReLU", "{'name': 'r', 'threshold': null}", "3.15.1")
        .size());
  }

  @Test
  void leakyReluDefaultsToKeras3SlopeAndReadsKeras2Alpha() {
    assertClose(X.shape(), map(X, x -> x >= 0 ? x : 0.3 * x),
        apply("LeakyReLU", "{'name': 'l'}"), 1e-6);
    assertClose(X.shape(), map(X, x -> x >= 0 ? x : 0.05 * x),
        apply("LeakyReLU", "{'name': 'l', 'negative_slope': 0.05}"), 1e-6);
    Layer keras2 = LayerHarness.create("LeakyReLU",
        LayerHarness.json("{'name': 'l', 'trainable': true, 'dtype': 'float32', 'alpha': 0.2}"),
        "2.11.0");
    assertClose(X.shape(), map(X, x -> x >= 0 ? x : 0.2 * x),
        run(keras2, List.of(X)).output(), 1e-6);
  }

  @Test
  void eluUsesAlphaForNegativeInputs() {
    assertClose(X.shape(), map(X, x -> x > 0 ? x : Math.expm1(x)), apply("ELU", "{'name': 'e'}"),
        1e-6);
    assertClose(X.shape(), map(X, x -> x > 0 ? x : 0.7 * Math.expm1(x)),
        apply("ELU", "{'name': 'e', 'alpha': 0.7}"), 1e-6);
  }

  @Test
  void preluLearnsOneAlphaPerElementOrPerSharedGroup() {
    NpyArray alpha = random(2, -1, 1, 3, 6);
    Layer full = create("PReLU", "{'name': 'p'}");
    Result r = run(full, List.of(X), null, List.of(alpha), false);
    float[] a = alpha.toFloatArray();
    float[] x = X.toFloatArray();
    float[] exp = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      exp[i] = x[i] >= 0 ? x[i] : a[i % 18] * x[i];
    }
    assertClose(X.shape(), exp, r.output(), 1e-6);
    assertEquals("p/alpha", full.weights().get(0).path());

    NpyArray x4 = random(3, -5, 5, 2, 3, 4, 5);
    NpyArray shared = random(4, -1, 1, 1, 1, 5);
    Layer s = create("PReLU", "{'name': 'p', 'shared_axes': [1, 2]}");
    Result rs = run(s, List.of(x4), null, List.of(shared), false);
    assertArrayEquals(new long[] {1, 1, 5}, s.weights().get(0).shape());
    float[] sa = shared.toFloatArray();
    float[] xv = x4.toFloatArray();
    float[] e4 = new float[xv.length];
    for (int i = 0; i < xv.length; i++) {
      e4[i] = xv[i] >= 0 ? xv[i] : sa[i % 5] * xv[i];
    }
    assertClose(x4.shape(), e4, rs.output(), 1e-6);

    Layer one = create("PReLU", "{'name': 'p', 'shared_axes': 1}");
    run(one, List.of(X), null, List.of(random(5, -1, 1, 1, 6)), false);
    assertArrayEquals(new long[] {1, 6}, one.weights().get(0).shape());
  }

  /** Softmax over groups: {@code stride} apart, {@code size} long, starting at each base. */
  private static float[] softmax(float[] v, int size, int stride, java.util.function.IntPredicate
      kept) {
    float[] out = new float[v.length];
    boolean[] done = new boolean[v.length];
    for (int s = 0; s < v.length; s++) {
      if (done[s]) {
        continue;
      }
      double max = Double.NEGATIVE_INFINITY;
      for (int k = 0; k < size; k++) {
        int i = s + k * stride;
        max = Math.max(max, kept.test(i) ? v[i] : -1e9);
      }
      double sum = 0;
      for (int k = 0; k < size; k++) {
        int i = s + k * stride;
        sum += Math.exp((kept.test(i) ? v[i] : -1e9) - max);
      }
      for (int k = 0; k < size; k++) {
        int i = s + k * stride;
        out[i] = kept.test(i) ? (float) (Math.exp(v[i] - max) / sum) : 0f;
        done[i] = true;
      }
    }
    return out;
  }

  @Test
  void softmaxNormalizesTheChosenAxes() {
    float[] x = X.toFloatArray();
    assertClose(X.shape(), softmax(x, 6, 1, i -> true), apply("Softmax", "{'name': 's'}"), 1e-6);
    assertClose(X.shape(), softmax(x, 3, 6, i -> true),
        apply("Softmax", "{'name': 's', 'axis': 1}"), 1e-6);
    assertClose(X.shape(), softmax(x, 3, 6, i -> true),
        apply("Softmax", "{'name': 's', 'axis': [1]}"), 1e-6);
    // several axes: one softmax over all 18 values of each sample
    assertClose(X.shape(), softmax(x, 18, 1, i -> true),
        apply("Softmax", "{'name': 's', 'axis': [1, 2]}"), 1e-6);
  }

  @Test
  void maskedSoftmaxGivesMaskedPositionsZero() {
    NpyArray x = random(6, -5, 5, 4, 3);
    NpyArray mask = randomMask(7, 0.6, 4, 3);
    float[] m = mask.toFloatArray();
    Result r = run(create("Softmax", "{'name': 's'}"), List.of(x), List.of(mask), List.of(),
        false);
    assertClose(x.shape(), softmax(x.toFloatArray(), 3, 1, i -> m[i] > 0), r.output(), 1e-6);
    assertClose(mask, r.masks().get(0), 0);
    assertThrows(ShapeMismatchException.class, () -> run(create("Softmax", "{'name': 's'}"),
        List.of(X), List.of(mask), List.of(), false));
  }

  @Test
  void activityRegularizationIsTheIdentityPlusABatchNormalizedPenalty() {
    Result r = run(create("ActivityRegularization", "{'name': 'a', 'l1': 0.01, 'l2': 0.02}"),
        List.of(X), null, List.of(), true);
    assertClose(X, r.output(), 0);
    double l1 = 0;
    double l2 = 0;
    for (float v : X.toFloatArray()) {
      l1 += Math.abs(v);
      l2 += (double) v * v;
    }
    double expected = (0.01 * l1 + 0.02 * l2) / X.shape()[0];
    assertEquals(1, r.losses().size());
    assertEquals(expected, r.losses().get(0).getDouble(0), 1e-5 * expected);
    List<String> p = LayerHarness.problems("ActivityRegularization",
        "{'name': 'a', 'l1': 0.0, 'l2': 0.5, 'activity_regularizer': 'l2'}", "3.15.1");
    assertEquals(1, p.size(), p.toString());
    assertTrue(p.get(0).contains("activity_regularizer"));
  }

  @Test
  void activationLayersPassMasksThrough() {
    NpyArray mask = randomMask(8, 0.5, 4, 3);
    for (String cls : List.of("ReLU", "LeakyReLU", "ELU", "ActivityRegularization")) {
      Result r = run(create(cls, "{'name': 'x'}"), List.of(X), List.of(mask), List.of(),
          false);
      assertClose(mask, r.masks().get(0), 0);
    }
  }
}
