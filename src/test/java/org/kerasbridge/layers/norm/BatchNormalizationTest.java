package org.kerasbridge.layers.norm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.kerasbridge.layers.core.LayerHarness.assertClose;
import static org.kerasbridge.layers.core.LayerHarness.create;
import static org.kerasbridge.layers.core.LayerHarness.random;
import static org.kerasbridge.layers.core.LayerHarness.run;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.kerasbridge.ShapeMismatchException;
import org.kerasbridge.layers.Layer;
import org.kerasbridge.layers.Weight;
import org.kerasbridge.layers.core.LayerHarness;
import org.kerasbridge.layers.core.LayerHarness.Result;
import org.kerasbridge.ndarray.NpyArray;

/**
 * BatchNormalization against Keras 3's definition (batch_normalization.py with the TensorFlow
 * backend's moments and batch_normalization), computed here in double: inference with the moving
 * statistics on channels_last and channels_first data, a training step with batch statistics and
 * the moving-average update (biased variance), frozen layers, masked moments, weight order, and
 * the arguments it refuses.
 */
class BatchNormalizationTest {
  private static final NpyArray X = random(1, -3, 5, 6, 4, 5, 3);

  /** gamma, beta, moving_mean, moving_variance of size n (each only if present). */
  private static List<NpyArray> weights(int n, boolean scale, boolean center) {
    List<NpyArray> w = new ArrayList<>();
    if (scale) {
      w.add(random(10, 0.5, 2, n));
    }
    if (center) {
      w.add(random(11, -1, 1, n));
    }
    w.add(random(12, -1, 1, n));
    w.add(random(13, 0.2, 3, n));
    return w;
  }

  /** The channel of flat index i for a C-order shape and axis. */
  private static int channel(long[] shape, int axis, int i) {
    long inner = 1;
    for (int d = axis + 1; d < shape.length; d++) {
      inner *= shape[d];
    }
    return (int) ((i / inner) % shape[axis]);
  }

  /** {@code (x - mean) / sqrt(var + eps) * gamma + beta} per channel, in double. */
  private static float[] normalized(NpyArray x, int axis, double[] mean, double[] var,
      float[] gamma, float[] beta, double eps) {
    float[] v = x.toFloatArray();
    float[] out = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      int c = channel(x.shape(), axis, i);
      double y = (v[i] - mean[c]) / Math.sqrt(var[c] + eps);
      out[i] = (float) (y * (gamma == null ? 1 : gamma[c]) + (beta == null ? 0 : beta[c]));
    }
    return out;
  }

  private static double[] toDouble(NpyArray a) {
    float[] f = a.toFloatArray();
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      d[i] = f[i];
    }
    return d;
  }

  /** Batch mean and biased variance per channel, in double; {@code mask} per position or null. */
  private static double[][] moments(NpyArray x, int axis, float[] mask, int maskInner) {
    float[] v = x.toFloatArray();
    int n = (int) x.shape()[axis];
    double[] sum = new double[n];
    double[] cnt = new double[n];
    for (int i = 0; i < v.length; i++) {
      double w = mask == null ? 1 : mask[i / maskInner];
      sum[channel(x.shape(), axis, i)] += w * v[i];
      cnt[channel(x.shape(), axis, i)] += w;
    }
    double[] mean = new double[n];
    for (int c = 0; c < n; c++) {
      mean[c] = sum[c] / (cnt[c] + (mask == null ? 0 : 1e-7));
    }
    double[] sq = new double[n];
    for (int i = 0; i < v.length; i++) {
      int c = channel(x.shape(), axis, i);
      double w = mask == null ? 1 : mask[i / maskInner];
      sq[c] += w * (v[i] - mean[c]) * (v[i] - mean[c]);
    }
    double[] var = new double[n];
    for (int c = 0; c < n; c++) {
      var[c] = sq[c] / (cnt[c] + (mask == null ? 0 : 1e-7));
    }
    return new double[][] {mean, var};
  }

  @Test
  void inferenceUsesTheMovingStatisticsOnTheLastAxis() {
    List<NpyArray> w = weights(3, true, true);
    Result r = run(create("BatchNormalization", "{'name': 'bn'}"), List.of(X), null, w, false);
    assertClose(X.shape(), normalized(X, 3, toDouble(w.get(2)), toDouble(w.get(3)),
        w.get(0).toFloatArray(), w.get(1).toFloatArray(), 1e-3), r.output(), 1e-5);
  }

  @Test
  void inferenceOnChannelsFirstDataNormalizesAxisOne() {
    List<NpyArray> w = weights(4, true, true);
    Result r = run(create("BatchNormalization", "{'name': 'bn', 'axis': 1, 'epsilon': 0.01}"),
        List.of(X), null, w, false);
    assertClose(X.shape(), normalized(X, 1, toDouble(w.get(2)), toDouble(w.get(3)),
        w.get(0).toFloatArray(), w.get(1).toFloatArray(), 0.01), r.output(), 1e-5);
  }

  @Test
  void withoutCenterAndScaleOnlyTheMovingStatisticsAreWeights() {
    Layer l = create("BatchNormalization", "{'name': 'bn', 'center': false, 'scale': false}");
    List<NpyArray> w = weights(3, false, false);
    Result r = run(l, List.of(X), null, w, false);
    assertEquals(List.of("bn/moving_mean", "bn/moving_variance"),
        l.weights().stream().map(Weight::path).toList());
    assertClose(X.shape(), normalized(X, 3, toDouble(w.get(0)), toDouble(w.get(1)), null, null,
        1e-3), r.output(), 1e-5);
    Layer full = create("BatchNormalization", "{'name': 'bn'}");
    run(full, List.of(X), null, weights(3, true, true), false);
    assertEquals(List.of("gamma", "beta", "moving_mean", "moving_variance"),
        full.weights().stream().map(Weight::name).toList());
    assertEquals(List.of(true, true, false, false),
        full.weights().stream().map(Weight::trainable).toList());
    assertEquals(12, full.paramCount());
  }

  @Test
  void trainingNormalizesWithBatchStatisticsAndUpdatesTheMovingOnes() {
    for (int axis : new int[] {3, 1}) {
      int n = (int) X.shape()[axis];
      List<NpyArray> w = weights(n, true, true);
      double momentum = 0.8;
      Result r = run(create("BatchNormalization", "{'name': 'bn', 'axis': " + axis
          + ", 'momentum': 0.8, 'epsilon': 1e-5}"), List.of(X), null, w, true);
      double[][] mv = moments(X, axis, null, 1);
      assertClose(X.shape(), normalized(X, axis, mv[0], mv[1], w.get(0).toFloatArray(),
          w.get(1).toFloatArray(), 1e-5), r.output(), 1e-5);
      float[] mm = w.get(2).toFloatArray();
      float[] vv = w.get(3).toFloatArray();
      float[] expMean = new float[n];
      float[] expVar = new float[n];
      for (int c = 0; c < n; c++) {
        // Keras 3: moving = moving * momentum + batch * (1 - momentum), biased batch variance
        expMean[c] = (float) (mm[c] * momentum + mv[0][c] * (1 - momentum));
        expVar[c] = (float) (vv[c] * momentum + mv[1][c] * (1 - momentum));
      }
      assertClose(new long[] {n}, expMean, r.weightsAfter().get("bn/moving_mean"), 1e-6);
      assertClose(new long[] {n}, expVar, r.weightsAfter().get("bn/moving_variance"), 1e-5);
      assertClose(w.get(0), r.weightsAfter().get("bn/gamma"), 0);
    }
  }

  @Test
  void aFrozenLayerRunsInInferenceModeWhileTraining() {
    List<NpyArray> w = weights(3, true, true);
    Result r = run(create("BatchNormalization", "{'name': 'bn', 'trainable': false}"),
        List.of(X), null, w, true);
    assertClose(X.shape(), normalized(X, 3, toDouble(w.get(2)), toDouble(w.get(3)),
        w.get(0).toFloatArray(), w.get(1).toFloatArray(), 1e-3), r.output(), 1e-5);
    assertClose(w.get(2), r.weightsAfter().get("bn/moving_mean"), 0);
    assertClose(w.get(3), r.weightsAfter().get("bn/moving_variance"), 0);
  }

  @Test
  void maskedTrainingStatisticsCountOnlyUnmaskedSteps() {
    NpyArray x = random(3, -2, 2, 4, 3, 5);
    NpyArray mask = NpyArray.ofFloats(new long[] {4, 3}, 1, 1, 0, 0, 1, 1, 1, 0, 1, 0, 0, 1);
    List<NpyArray> w = weights(5, true, true);
    Result r = run(create("BatchNormalization", "{'name': 'bn', 'momentum': 0.5}"), List.of(x),
        List.of(mask), w, true);
    double[][] mv = moments(x, 2, mask.toFloatArray(), 5);
    assertClose(x.shape(), normalized(x, 2, mv[0], mv[1], w.get(0).toFloatArray(),
        w.get(1).toFloatArray(), 1e-3), r.output(), 1e-5);
    float[] mm = w.get(2).toFloatArray();
    float[] expMean = new float[5];
    for (int c = 0; c < 5; c++) {
      expMean[c] = (float) (mm[c] * 0.5 + mv[0][c] * 0.5);
    }
    assertClose(new long[] {5}, expMean, r.weightsAfter().get("bn/moving_mean"), 1e-6);
    assertClose(mask, r.masks().get(0), 0);
    // at inference the mask changes nothing
    Result inf = run(create("BatchNormalization", "{'name': 'bn'}"), List.of(x), List.of(mask),
        w, false);
    assertClose(x.shape(), normalized(x, 2, toDouble(w.get(2)), toDouble(w.get(3)),
        w.get(0).toFloatArray(), w.get(1).toFloatArray(), 1e-3), inf.output(), 1e-5);
  }

  @Test
  void aMaskOfTheWrongRankIsRefused() {
    NpyArray x = random(3, -2, 2, 4, 3, 5);
    assertThrows(ShapeMismatchException.class, () -> run(create("BatchNormalization",
        "{'name': 'bn'}"), List.of(x), List.of(random(4, 0, 1, 4, 3, 5)), weights(5, true, true),
        false));
  }

  @Test
  void kerasTwoArgumentsAreReadAtTheirNeutralValues() {
    String keras2 = "{'name': 'bn', 'trainable': true, 'axis': [3], 'momentum': 0.99,"
        + " 'epsilon': 0.001, 'center': true, 'scale': true,"
        + " 'beta_initializer': {'class_name': 'Zeros', 'config': {}},"
        + " 'gamma_initializer': {'class_name': 'Ones', 'config': {}},"
        + " 'moving_mean_initializer': {'class_name': 'Zeros', 'config': {}},"
        + " 'moving_variance_initializer': {'class_name': 'Ones', 'config': {}},"
        + " 'beta_regularizer': null, 'gamma_regularizer': null, 'beta_constraint': null,"
        + " 'gamma_constraint': null, 'renorm': false, 'renorm_clipping': null,"
        + " 'renorm_momentum': 0.99, 'fused': true, 'virtual_batch_size': null,"
        + " 'adjustment': null}";
    assertEquals(List.of(), LayerHarness.problems("BatchNormalization", keras2, "2.11.0"));
    List<NpyArray> w = weights(3, true, true);
    Layer l = LayerHarness.create("BatchNormalization", LayerHarness.json(keras2), "2.11.0");
    Result r = run(l, List.of(X), null, w, false);
    assertClose(X.shape(), normalized(X, 3, toDouble(w.get(2)), toDouble(w.get(3)),
        w.get(0).toFloatArray(), w.get(1).toFloatArray(), 1e-3), r.output(), 1e-5);
  }

  @Test
  void unsupportedArgumentsAreReportedTogether() {
    List<String> p = LayerHarness.problems("BatchNormalization", "{'name': 'bn',"
        + " 'renorm': true, 'synchronized': true, 'virtual_batch_size': 2, 'axis': [1, 2],"
        + " 'adjustment': 'x', 'foo': 1}", "3.15.1");
    assertEquals(6, p.size(), p.toString());
    for (String key : List.of("renorm", "synchronized", "virtual_batch_size", "axis",
        "adjustment", "foo")) {
      assertTrue(p.stream().anyMatch(s -> s.contains("'" + key + "'")), key + " in " + p);
    }
  }
}
