package org.kerasbridge.layers.rnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.kerasbridge.KerasBridgeException;
import org.kerasbridge.layers.Layer;
import org.kerasbridge.layers.core.LayerHarness;
import org.kerasbridge.ndarray.DType;
import org.kerasbridge.ndarray.NpyArray;

/** Embedding's lookup and id handling, and the masks Embedding(mask_zero) and Masking make. */
class EmbeddingMaskingTest {
  private static Layer embedding(boolean maskZero) {
    return LayerHarness.create("Embedding", "{'name': 'embedding', 'input_dim': 5,"
        + " 'output_dim': 2, 'mask_zero': " + maskZero + "}");
  }

  private static float[] rowOf(List<NpyArray> w, int id) {
    float[] e = w.get(0).toFloatArray();
    return new float[] {e[id * 2], e[id * 2 + 1]};
  }

  /** Negative ids count from the end, as Keras's take() fixes them. */
  @Test
  void intIdsLookUpRowsAndNegativeIdsWrap() {
    for (DType type : List.of(DType.INT32, DType.INT64)) {
      try (LayerRun r = new LayerRun(embedding(false), new long[] {-1, 3}, type, false,
          false)) {
        List<NpyArray> w = r.randomWeights(1);
        NpyArray ids = NpyArray.ofInts(new long[] {1, 3}, 3, 0, -1).castTo(type);
        NpyArray y = r.run(ids).get(0);
        assertEquals(List.of(1L, 3L, 2L), List.of(y.shape()[0], y.shape()[1], y.shape()[2]));
        Seq.close(rowOf(w, 3), Seq.at(y, 0, 0), 0, "id 3");
        Seq.close(rowOf(w, 0), Seq.at(y, 0, 1), 0, "id 0");
        Seq.close(rowOf(w, 4), Seq.at(y, 0, 2), 0, "id -1");
      }
    }
  }

  /** Float ids are cast to int32 (toward zero); the mask is taken on the ids as given. */
  @Test
  void floatIdsTruncateAndMaskOnTheRawValue() {
    try (LayerRun r = new LayerRun(embedding(true), new long[] {-1, 4}, false, false)) {
      List<NpyArray> w = r.randomWeights(2);
      NpyArray ids = NpyArray.ofFloats(new long[] {1, 4}, 2.7f, 0.5f, 0f, -0.5f);
      NpyArray y = r.run(ids).get(0);
      Seq.close(rowOf(w, 2), Seq.at(y, 0, 0), 0, "2.7 -> 2");
      Seq.close(rowOf(w, 0), Seq.at(y, 0, 1), 0, "0.5 -> 0");
      Seq.close(rowOf(w, 0), Seq.at(y, 0, 3), 0, "-0.5 -> 0");
      Seq.close(new float[] {1, 1, 0, 1}, r.masks(ids, null).get(0).toFloatArray(), 0,
          "mask = ids != 0");
    }
  }

  @Test
  void withoutMaskZeroThereIsNoMask() {
    try (LayerRun r = new LayerRun(embedding(false), new long[] {-1, 2}, DType.INT32, false,
        false)) {
      r.randomWeights(3);
      assertNull(r.masks(NpyArray.ofInts(new long[] {1, 2}, 0, 1), null).get(0));
    }
  }

  @Test
  void anIdOutOfRangeIsAnError() {
    try (LayerRun r = new LayerRun(embedding(false), new long[] {-1, 2}, DType.INT32, false,
        false)) {
      r.randomWeights(4);
      assertThrows(KerasBridgeException.class,
          () -> r.run(NpyArray.ofInts(new long[] {1, 2}, 1, 5)));
    }
  }

  /** A step is masked when all its features equal mask_value; its output is set to 0. */
  @Test
  void maskingMasksStepsWhoseFeaturesAllEqualTheValue() {
    Layer l = LayerHarness.create("Masking", "{'name': 'masking', 'mask_value': -1.0}");
    try (LayerRun r = new LayerRun(l, new long[] {-1, 3, 2}, false, false)) {
      NpyArray x = NpyArray.ofFloats(new long[] {1, 3, 2}, 1, 2, -1, -1, -1, 5);
      Seq.close(new float[] {1, 2, 0, 0, -1, 5}, r.run(x).get(0).toFloatArray(), 0, "output");
      Seq.close(new float[] {1, 0, 1}, r.masks(x, null).get(0).toFloatArray(), 0, "mask");
    }
  }

  @Test
  void embeddingMasksReachTheRnn() {
    // Embedding(mask_zero) -> GRU is checked against Keras by the *_masked fixtures; here the
    // mask shape Embedding hands on is (batch, timesteps)
    try (LayerRun r = new LayerRun(embedding(true), new long[] {-1, 3}, DType.INT32, false,
        false)) {
      r.randomWeights(5);
      NpyArray m = r.masks(NpyArray.ofInts(new long[] {2, 3}, 1, 0, 2, 0, 0, 3), null).get(0);
      assertTrue(java.util.Arrays.equals(new long[] {2, 3}, m.shape()));
      Seq.close(new float[] {1, 0, 1, 0, 0, 1}, m.toFloatArray(), 0, "mask");
    }
  }
}
