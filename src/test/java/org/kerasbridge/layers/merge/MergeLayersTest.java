package org.kerasbridge.layers.merge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.kerasbridge.layers.core.LayerHarness.assertClose;
import static org.kerasbridge.layers.core.LayerHarness.create;
import static org.kerasbridge.layers.core.LayerHarness.random;
import static org.kerasbridge.layers.core.LayerHarness.randomMask;
import static org.kerasbridge.layers.core.LayerHarness.run;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.kerasbridge.KerasBridgeException;
import org.kerasbridge.ShapeMismatchException;
import org.kerasbridge.layers.core.LayerHarness;
import org.kerasbridge.layers.core.LayerHarness.Result;
import org.kerasbridge.ndarray.NpyArray;

/**
 * Merge layers against Keras 3's definitions (keras/src/layers/merging), written out here
 * element by element: broadcasting, rank expansion at axis 1, mask propagation (OR of the input
 * masks), the masked forms of Multiply/Maximum/Minimum, Concatenate's mask, and Dot's batch_dot.
 */
class MergeLayersTest {
  private static final NpyArray A = random(1, -2, 2, 3, 4, 5);
  private static final NpyArray B = random(2, -2, 2, 3, 4, 5);
  private static final NpyArray C = random(3, -2, 2, 3, 4, 5);

  private interface Op3 {
    float apply(float a, float b, float c);
  }

  private static float[] elementwise(Op3 op, NpyArray a, NpyArray b, NpyArray c) {
    float[] x = a.toFloatArray();
    float[] y = b.toFloatArray();
    float[] z = c == null ? new float[x.length] : c.toFloatArray();
    float[] out = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = op.apply(x[i], y[i], z[i]);
    }
    return out;
  }

  private static Result merge(String cls, List<NpyArray> ins) {
    return run(create(cls, "{'name': 'm'}"), ins);
  }

  @Test
  void elementwiseMergesFoldLeftInKerasOrder() {
    long[] s = A.shape();
    assertClose(s, elementwise((a, b, c) -> a + b + c, A, B, C),
        merge("Add", List.of(A, B, C)).output(), 0);
    assertClose(s, elementwise((a, b, c) -> a - b, A, B, null),
        merge("Subtract", List.of(A, B)).output(), 0);
    assertClose(s, elementwise((a, b, c) -> a * b * c, A, B, C),
        merge("Multiply", List.of(A, B, C)).output(), 0);
    assertClose(s, elementwise((a, b, c) -> (a + b + c) / 3f, A, B, C),
        merge("Average", List.of(A, B, C)).output(), 1e-6);
    assertClose(s, elementwise((a, b, c) -> Math.max(Math.max(a, b), c), A, B, C),
        merge("Maximum", List.of(A, B, C)).output(), 0);
    assertClose(s, elementwise((a, b, c) -> Math.min(Math.min(a, b), c), A, B, C),
        merge("Minimum", List.of(A, B, C)).output(), 0);
  }

  @Test
  void broadcastsSizeOneDimensions() {
    NpyArray one = random(4, -2, 2, 3, 1, 5);
    float[] o = one.toFloatArray();
    float[] b = B.toFloatArray();
    float[] exp = new float[b.length];
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 4; j++) {
        for (int k = 0; k < 5; k++) {
          exp[(i * 4 + j) * 5 + k] = o[i * 5 + k] + b[(i * 4 + j) * 5 + k];
        }
      }
    }
    assertClose(B.shape(), exp, merge("Add", List.of(one, B)).output(), 0);
  }

  @Test
  void lowerRankInputsAreExpandedAtAxisOne() {
    // Keras: (3, 5) becomes (3, 1, 5) before the merge, so it is added to every row of (3, 4, 5)
    NpyArray low = random(5, -2, 2, 3, 5);
    float[] l = low.toFloatArray();
    float[] b = B.toFloatArray();
    float[] exp = new float[b.length];
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 4; j++) {
        for (int k = 0; k < 5; k++) {
          exp[(i * 4 + j) * 5 + k] = l[i * 5 + k] + b[(i * 4 + j) * 5 + k];
        }
      }
    }
    Result r = merge("Add", List.of(low, B));
    assertClose(B.shape(), exp, r.output(), 0);
    assertEquals(3, r.staticShapes().get(0).numDimensions());
  }

  @Test
  void incompatibleShapesAndWrongInputCountsAreRefused() {
    assertThrows(ShapeMismatchException.class,
        () -> merge("Add", List.of(A, random(6, 0, 1, 3, 4, 3))));
    assertThrows(KerasBridgeException.class, () -> merge("Subtract", List.of(A, B, C)));
    assertThrows(KerasBridgeException.class, () -> merge("Dot", List.of(A, B, C)));
    assertThrows(ShapeMismatchException.class,
        () -> run(create("Concatenate", "{'name': 'c', 'axis': 1}"),
            List.of(A, random(7, 0, 1, 3, 2, 4))));
    assertThrows(ShapeMismatchException.class,
        () -> run(create("Dot", "{'name': 'd', 'axes': [1, 2]}"), List.of(A, B)));
  }

  @Test
  void outputMaskIsTheOrOfTheInputMasksWhenAllHaveOne() {
    NpyArray m1 = randomMask(11, 0.5, 3, 4);
    NpyArray m2 = randomMask(12, 0.5, 3, 4);
    float[] a = m1.toFloatArray();
    float[] b = m2.toFloatArray();
    float[] or = new float[a.length];
    for (int i = 0; i < a.length; i++) {
      or[i] = Math.max(a[i], b[i]);
    }
    for (String cls : List.of("Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum")) {
      Result r = run(create(cls, "{'name': 'm'}"), List.of(A, B), List.of(m1, m2), List.of(),
          false);
      assertClose(m1.shape(), or, r.masks().get(0), 0);
      Result partly = run(create(cls, "{'name': 'm'}"), List.of(A, B),
          Arrays.asList(m1, null), List.of(), false);
      assertNull(partly.masks().get(0), cls + ": no mask unless every input has one");
    }
  }

  @Test
  void maskedAddIgnoresTheMaskInItsValues() {
    NpyArray m1 = randomMask(11, 0.5, 3, 4);
    Result r = run(create("Add", "{'name': 'm'}"), List.of(A, B), Arrays.asList(m1, null),
        List.of(), false);
    assertClose(A.shape(), elementwise((a, b, c) -> a + b, A, B, null), r.output(), 0);
  }

  @Test
  void maskedMaximumTakesTheOtherOperandAtMaskedPositions() {
    NpyArray m1 = randomMask(13, 0.5, 3, 4);
    NpyArray m2 = randomMask(14, 0.5, 3, 4);
    float[] x = A.toFloatArray();
    float[] y = B.toFloatArray();
    float[] k1 = m1.toFloatArray();
    float[] k2 = m2.toFloatArray();
    float[] max = new float[x.length];
    float[] min = new float[x.length];
    float[] maxFirstOnly = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      boolean on1 = k1[i / 5] > 0;
      boolean on2 = k2[i / 5] > 0;
      // both kept: the op; one masked: the other operand; both masked: the first input
      max[i] = on1 && on2 ? Math.max(x[i], y[i]) : on2 ? y[i] : x[i];
      min[i] = on1 && on2 ? Math.min(x[i], y[i]) : on2 ? y[i] : x[i];
      // only input 0 masked: where its mask is off, input 1's value replaces it
      maxFirstOnly[i] = on1 ? Math.max(x[i], y[i]) : y[i];
    }
    assertClose(A.shape(), max, run(create("Maximum", "{'name': 'm'}"), List.of(A, B),
        List.of(m1, m2), List.of(), false).output(), 0);
    assertClose(A.shape(), min, run(create("Minimum", "{'name': 'm'}"), List.of(A, B),
        List.of(m1, m2), List.of(), false).output(), 0);
    assertClose(A.shape(), maxFirstOnly, run(create("Maximum", "{'name': 'm'}"),
        List.of(A, B), Arrays.asList(m1, null), List.of(), false).output(), 0);
  }

  @Test
  void maskedMultiplyCountsMaskedValuesAsOneAndZeroesFullyMaskedPositions() {
    NpyArray m1 = randomMask(15, 0.5, 3, 4);
    NpyArray m2 = randomMask(16, 0.5, 3, 4);
    float[] x = A.toFloatArray();
    float[] y = B.toFloatArray();
    float[] k1 = m1.toFloatArray();
    float[] k2 = m2.toFloatArray();
    float[] both = new float[x.length];
    float[] first = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      boolean on1 = k1[i / 5] > 0;
      boolean on2 = k2[i / 5] > 0;
      float p = (on1 ? x[i] : 1f) * (on2 ? y[i] : 1f);
      both[i] = on1 || on2 ? p : 0f;
      first[i] = (on1 ? x[i] : 1f) * y[i];
    }
    assertClose(A.shape(), both, run(create("Multiply", "{'name': 'm'}"), List.of(A, B),
        List.of(m1, m2), List.of(), false).output(), 0);
    assertClose(A.shape(), first, run(create("Multiply", "{'name': 'm'}"), List.of(A, B),
        Arrays.asList(m1, null), List.of(), false).output(), 0);
  }

  @Test
  void concatenateJoinsAlongTheAxis() {
    NpyArray x = random(21, -1, 1, 2, 3, 4);
    NpyArray y = random(22, -1, 1, 2, 2, 4);
    Result r = run(create("Concatenate", "{'name': 'c', 'axis': 1}"), List.of(x, y));
    float[] a = x.toFloatArray();
    float[] b = y.toFloatArray();
    float[] exp = new float[a.length + b.length];
    for (int n = 0; n < 2; n++) {
      System.arraycopy(a, n * 12, exp, n * 20, 12);
      System.arraycopy(b, n * 8, exp, n * 20 + 12, 8);
    }
    assertClose(new long[] {2, 5, 4}, exp, r.output(), 0);
    assertArrayEquals(new long[] {-1, 5, 4}, r.staticShapes().get(0).asArray());
    assertNull(r.masks().get(0));
  }

  @Test
  void concatenateMaskAlongTimeKeepsEachInputsMask() {
    NpyArray x = random(23, -1, 1, 2, 3, 4);
    NpyArray y = random(24, -1, 1, 2, 2, 4);
    NpyArray mx = NpyArray.ofFloats(new long[] {2, 3}, 1, 0, 1, 0, 0, 1);
    Result r = run(create("Concatenate", "{'name': 'c', 'axis': 1}"), List.of(x, y),
        Arrays.asList(mx, null), List.of(), false);
    // the unmasked input counts as all true
    assertClose(new long[] {2, 5}, new float[] {1, 0, 1, 1, 1, 0, 0, 1, 1, 1}, r.masks().get(0),
        0);
  }

  @Test
  void concatenateMaskAlongFeaturesIsAnyOverTheJoinedFeatures() {
    NpyArray x = random(25, -1, 1, 2, 3, 4);
    NpyArray y = random(26, -1, 1, 2, 3, 2);
    NpyArray mx = NpyArray.ofFloats(new long[] {2, 3}, 1, 0, 1, 0, 0, 1);
    NpyArray my = NpyArray.ofFloats(new long[] {2, 3}, 0, 0, 1, 1, 0, 0);
    Result one = run(create("Concatenate", "{'name': 'c'}"), List.of(x, y),
        Arrays.asList(mx, null), List.of(), false);
    assertClose(new long[] {2, 3}, new float[] {1, 1, 1, 1, 1, 1}, one.masks().get(0), 0);
    Result both = run(create("Concatenate", "{'name': 'c'}"), List.of(x, y), List.of(mx, my),
        List.of(), false);
    assertClose(new long[] {2, 3}, new float[] {1, 0, 1, 1, 0, 1}, both.masks().get(0), 0);
  }

  /** A naive batch dot over x's axis a0 and y's axis a1 (both > 0), in double. */
  private static float[] naiveBatchDot(NpyArray xa, NpyArray ya, int a0, int a1) {
    long[] xs = xa.shape();
    long[] ys = ya.shape();
    float[] x = xa.toFloatArray();
    float[] y = ya.toFloatArray();
    int n = (int) xs[0];
    int k = (int) xs[a0];
    int xo = (int) (x.length / n / k);
    int yo = (int) (y.length / n / k);
    float[] out = new float[n * xo * yo];
    for (int b = 0; b < n; b++) {
      for (int i = 0; i < xo; i++) {
        for (int j = 0; j < yo; j++) {
          double s = 0;
          for (int t = 0; t < k; t++) {
            s += (double) x[b * xo * k + index(xs, a0, i, t)] * y[b * yo * k + index(ys, a1, j, t)];
          }
          out[(b * xo + i) * yo + j] = (float) s;
        }
      }
    }
    return out;
  }

  /** Flat offset within one sample of the element whose other indices are {@code rest} (C order). */
  private static int index(long[] shape, int axis, int rest, int t) {
    int off = 0;
    int stride = 1;
    int r = rest;
    int[] idx = new int[shape.length];
    for (int d = shape.length - 1; d >= 1; d--) {
      if (d == axis) {
        idx[d] = t;
      } else {
        idx[d] = (int) (r % shape[d]);
        r /= (int) shape[d];
      }
    }
    for (int d = shape.length - 1; d >= 1; d--) {
      off += idx[d] * stride;
      stride *= (int) shape[d];
    }
    return off;
  }

  @Test
  void dotMatchesTheBatchDotDefinition() {
    record Case(String axes, long[] xs, long[] ys, int a0, int a1, long[] out) {}
    List<Case> cases = List.of(
        new Case("1", new long[] {3, 6}, new long[] {3, 6}, 1, 1, new long[] {3, 1}),
        new Case("[2, 1]", new long[] {3, 2, 4}, new long[] {3, 4, 5}, 2, 1,
            new long[] {3, 2, 5}),
        new Case("[1, 2]", new long[] {3, 4, 2}, new long[] {3, 5, 4}, 1, 2,
            new long[] {3, 2, 5}),
        new Case("-1", new long[] {3, 2, 4}, new long[] {3, 5, 4}, 2, 2, new long[] {3, 2, 5}),
        new Case("[2, 3]", new long[] {2, 3, 5, 2}, new long[] {2, 2, 4, 5}, 2, 3,
            new long[] {2, 3, 2, 2, 4}),
        new Case("[1, 2]", new long[] {3, 5}, new long[] {3, 2, 5}, 1, 2, new long[] {3, 2}),
        new Case("[2, 1]", new long[] {3, 2, 5}, new long[] {3, 5}, 2, 1, new long[] {3, 2}),
        new Case("[1, 1]", new long[] {2, 5, 3, 2}, new long[] {2, 5}, 1, 1,
            new long[] {2, 3, 2}));
    int seed = 30;
    for (Case c : cases) {
      NpyArray x = random(seed++, -1, 1, c.xs());
      NpyArray y = random(seed++, -1, 1, c.ys());
      Result r = run(create("Dot", "{'name': 'd', 'axes': " + c.axes() + "}"), List.of(x, y));
      assertClose(c.out(), naiveBatchDot(x, y, c.a0(), c.a1()), r.output(), 1e-5);
      long[] st = r.staticShapes().get(0).asArray();
      assertEquals(c.out().length, st.length, "static rank for axes " + c.axes());
      for (int i = 1; i < st.length; i++) {
        assertEquals(c.out()[i], st[i], "static shape for axes " + c.axes());
      }
    }
  }

  @Test
  void dotNormalizeGivesTheCosineSimilarityAndNoMask() {
    NpyArray x = random(40, -1, 1, 4, 6);
    NpyArray y = random(41, -1, 1, 4, 6);
    float[] a = x.toFloatArray();
    float[] b = y.toFloatArray();
    float[] exp = new float[4];
    for (int n = 0; n < 4; n++) {
      double ab = 0;
      double aa = 0;
      double bb = 0;
      for (int i = 0; i < 6; i++) {
        ab += a[n * 6 + i] * b[n * 6 + i];
        aa += a[n * 6 + i] * a[n * 6 + i];
        bb += b[n * 6 + i] * b[n * 6 + i];
      }
      exp[n] = (float) (ab / Math.sqrt(aa) / Math.sqrt(bb));
    }
    NpyArray m = randomMask(42, 0.5, 4);
    Result r = run(create("Dot", "{'name': 'd', 'axes': 1, 'normalize': true}"),
        List.of(x, y), List.of(m, m), List.of(), false);
    assertClose(new long[] {4, 1}, exp, r.output(), 1e-6);
    assertNull(r.masks().get(0), "Dot.compute_mask is None");
  }

  @Test
  void configsAreReadCompletely() {
    assertTrue(LayerHarness.problems("Concatenate", "{'name': 'c', 'axis': 2}", "3.15.1")
        .isEmpty());
    assertTrue(LayerHarness.problems("Dot", "{'name': 'd', 'axes': [1, 2], 'normalize': false}",
        "2.11.0").isEmpty());
    List<String> p = LayerHarness.problems("Dot", "{'name': 'd', 'axes': [1, 2, 3]}", "3.15.1");
    assertEquals(1, p.size(), p.toString());
    p = LayerHarness.problems("Add", "{'name': 'a', 'weird': 1}", "3.15.1");
    assertTrue(p.get(0).contains("weird"), p.toString());
  }
}
