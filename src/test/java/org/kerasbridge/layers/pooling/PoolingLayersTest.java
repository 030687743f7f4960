package org.kerasbridge.layers.pooling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.kerasbridge.ShapeMismatchException;
import org.kerasbridge.layers.Layer;
import org.kerasbridge.layers.conv.LayerFixtures;
import org.kerasbridge.layers.conv.SpatialHarness;
import org.kerasbridge.layers.core.LayerHarness;
import org.kerasbridge.ndarray.NpyArray;

/** Pooling layers: Keras's window and padding rules, masks, shapes, refusals and fixtures. */
class PoolingLayersTest {
  private static final Set<String> CLASSES = Set.of("MaxPooling1D", "MaxPooling2D",
      "AveragePooling1D", "AveragePooling2D", "GlobalMaxPooling1D", "GlobalMaxPooling2D",
      "GlobalAveragePooling1D", "GlobalAveragePooling2D");

  @TestFactory
  List<DynamicNode> kerasFixturesMatch() {
    return LayerFixtures.forClasses(CLASSES);
  }

  private static Layer layer(String cls, String config) {
    return LayerHarness.create(cls, "{'name': 'p'" + (config.isEmpty() ? "" : ", " + config)
        + "}");
  }

  private static NpyArray run(String cls, String config, NpyArray x) {
    return LayerHarness.run(layer(cls, config), List.of(x)).output();
  }

  @Test
  void stridesDefaultToPoolSize() {
    NpyArray x = SpatialHarness.normal(1, 2, 9, 8, 3);
    assertArrayEquals(new long[] {2, 3, 2, 3}, run("MaxPooling2D", "'pool_size': 3,"
        + " 'strides': null", x).shape());
    assertArrayEquals(new long[] {2, 4, 4, 3}, run("MaxPooling2D", "", x).shape());
    assertArrayEquals(new long[] {2, 5, 3, 3}, run("AveragePooling2D", "'pool_size': [3, 2],"
        + " 'strides': [2, 3], 'padding': 'same'", x).shape());
  }

  @Test
  void sameAveragePoolingLeavesPaddingOutOfTheMean() {
    NpyArray x = NpyArray.ofFloats(new long[] {1, 3, 1}, 1f, 2f, 3f);
    // windows [1, 2], [3, (pad)]: the second mean is 3, not 1.5
    assertArrayEquals(new float[] {1.5f, 3f}, run("AveragePooling1D", "'pool_size': 2,"
        + " 'padding': 'same'", x).toFloatArray());
    NpyArray neg = NpyArray.ofFloats(new long[] {1, 3, 1}, -1f, -2f, -3f);
    // max pooling never picks the padding either
    assertArrayEquals(new float[] {-1f, -3f}, run("MaxPooling1D", "'pool_size': 2,"
        + " 'padding': 'same'", neg).toFloatArray());
  }

  @Test
  void channelsFirstPoolsTheSpatialAxes() {
    // (1, 2 channels, 4 steps): max over pairs of steps, per channel
    NpyArray x = NpyArray.ofFloats(new long[] {1, 2, 4}, 1, 5, 2, 0, -1, -2, 7, 3);
    assertArrayEquals(new float[] {5, 2, -1, 7}, run("MaxPooling1D", "'data_format':"
        + " 'channels_first'", x).toFloatArray());
    assertArrayEquals(new float[] {2, 1.75f}, run("GlobalAveragePooling1D", "'data_format':"
        + " 'channels_first'", x).toFloatArray());
    NpyArray kept = run("GlobalMaxPooling1D", "'data_format': 'channels_first', 'keepdims':"
        + " true", x);
    assertArrayEquals(new long[] {1, 2, 1}, kept.shape());
    assertArrayEquals(new float[] {5, 7}, kept.toFloatArray());
  }

  @Test
  void globalPoolingShapes() {
    NpyArray x = SpatialHarness.normal(2, 2, 5, 4, 3);
    assertArrayEquals(new long[] {2, 3}, run("GlobalMaxPooling2D", "", x).shape());
    assertArrayEquals(new long[] {2, 1, 1, 3}, run("GlobalAveragePooling2D", "'keepdims': true",
        x).shape());
    assertArrayEquals(new long[] {2, 5, 1, 1}, run("GlobalAveragePooling2D", "'keepdims': true,"
        + " 'data_format': 'channels_first'", x).shape());
  }

  @Test
  void maskedGlobalAveragePooling1DAveragesUnmaskedStepsOnly() {
    NpyArray x = NpyArray.ofFloats(new long[] {2, 3, 2}, 1, 10, 2, 20, 3, 30, 4, 40, 5, 50,
        6, 60);
    NpyArray mask = NpyArray.ofFloats(new long[] {2, 3}, 1, 0, 1, 0, 0, 0);
    LayerHarness.Result r = LayerHarness.run(layer("GlobalAveragePooling1D", ""), List.of(x),
        Arrays.asList(mask), List.of(), false);
    float[] y = r.output().toFloatArray();
    assertEquals(2f, y[0]);
    assertEquals(20f, y[1]);
    assertTrue(Float.isNaN(y[2]) && Float.isNaN(y[3]), "all steps masked: 0 / 0, as in Keras");
    assertNull(r.masks().get(0), "the mask stops here");
    // GlobalMaxPooling1D ignores the mask and drops it (Keras 3)
    LayerHarness.Result m = LayerHarness.run(layer("GlobalMaxPooling1D", ""), List.of(x),
        Arrays.asList(mask), List.of(), false);
    assertArrayEquals(new float[] {3, 30, 6, 60}, m.output().toFloatArray());
    assertNull(m.masks().get(0));
  }

  @Test
  void unknownLengthsPoolTheSame() {
    NpyArray x = SpatialHarness.normal(3, 2, 9, 7, 3);
    for (String[] c : new String[][] {{"MaxPooling2D", "'pool_size': 3, 'strides': 2,"
        + " 'padding': 'same'"}, {"AveragePooling2D", "'pool_size': [2, 3]"},
        {"GlobalAveragePooling2D", "'keepdims': true"}}) {
      NpyArray a = SpatialHarness.run(layer(c[0], c[1]), x, new long[] {-1, 9, 7, 3}, 0)
          .value();
      NpyArray b = SpatialHarness.run(layer(c[0], c[1]), x, new long[] {-1, -1, -1, 3}, 0)
          .value();
      LayerHarness.assertClose(a, b, 0);
    }
  }

  @Test
  void badConfigsAndShapesAreReported() {
    List<String> p = LayerHarness.problems("MaxPooling2D", "{'name': 'p', 'padding': 'full'}",
        "3.15.1");
    assertTrue(p.size() == 1 && p.get(0).contains("padding"), p.toString());
    p = LayerHarness.problems("AveragePooling1D", "{'name': 'p', 'pool_size': -1}", "3.15.1");
    assertTrue(p.size() == 1 && p.get(0).contains("pool_size"), p.toString());
    p = LayerHarness.problems("GlobalMaxPooling2D", "{'name': 'p', 'keepdims': 'yes'}",
        "3.15.1");
    assertTrue(p.size() == 1 && p.get(0).contains("keepdims"), p.toString());
    ShapeMismatchException e = assertThrows(ShapeMismatchException.class, () -> run(
        "MaxPooling2D", "'pool_size': 5", SpatialHarness.normal(1, 2, 4, 6, 3)));
    assertTrue(e.getMessage().contains("layer 'p'"), e.getMessage());
    e = assertThrows(ShapeMismatchException.class, () -> run("MaxPooling2D", "",
        SpatialHarness.normal(1, 2, 4, 6)));
    assertTrue(e.getMessage().contains("rank 4"), e.getMessage());
  }

  /**
   * A "same"-padded window wider than its whole input (a hostile file's pool_size of 10^9 over
   * length 10) is run as the shortest window that covers the input at every position, which TF
   * computes as it would the long one: every output is the whole axis's maximum (computed here;
   * before the cut, this predict ran for minutes inside TF's kernel).
   */
  @Test
  void hugeSameWindowsGiveTheWholeAxisMaximum() throws Exception {
    java.nio.file.Path dir = org.kerasbridge.fixtures.Fixtures.models()
        .resolve("layers/max_pooling1d_same");
    NpyArray x = org.kerasbridge.ndarray.Npy.read(dir.resolve("input_0.npy"));
    long[] sh = x.shape(); // (n, 10, 2)
    float[] v = x.toFloatArray();
    java.nio.file.Path huge = java.nio.file.Path.of(
        "src/test/resources/fuzz-regressions/config_pool_size_billion_same.keras");
    try (org.kerasbridge.model.KerasModel m = org.kerasbridge.KerasBridge.loadKeras(huge,
        org.kerasbridge.graph.Device.CPU)) {
      NpyArray y = m.predict(List.of(x)).get(0);
      assertArrayEquals(new long[] {sh[0], 5, sh[2]}, y.shape());
      float[] got = y.toFloatArray();
      for (int b = 0; b < sh[0]; b++) {
        for (int c = 0; c < sh[2]; c++) {
          float max = Float.NEGATIVE_INFINITY;
          for (int t = 0; t < sh[1]; t++) {
            max = Math.max(max, v[(int) ((b * sh[1] + t) * sh[2] + c)]);
          }
          for (int o = 0; o < 5; o++) {
            assertEquals(max, got[(int) ((b * 5 + o) * sh[2] + c)], 0f);
          }
        }
      }
    }
  }
}
