package org.kerasbridge.layers.reshaping;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

/** Padding, cropping, upsampling and reshaping layers: values, shapes, refusals, fixtures. */
class ReshapingLayersTest {
  private static final Set<String> CLASSES = Set.of("ZeroPadding1D", "ZeroPadding2D",
      "Cropping1D", "Cropping2D", "UpSampling1D", "UpSampling2D", "Reshape", "Permute",
      "RepeatVector");

  @TestFactory
  List<DynamicNode> kerasFixturesMatch() {
    return LayerFixtures.forClasses(CLASSES);
  }

  private static Layer layer(String cls, String config) {
    return LayerHarness.create(cls, "{'name': 'r'" + (config.isEmpty() ? "" : ", " + config)
        + "}");
  }

  private static NpyArray run(String cls, String config, NpyArray x) {
    return LayerHarness.run(layer(cls, config), List.of(x)).output();
  }

  private static NpyArray seq(long... shape) {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    float[] v = new float[(int) n];
    for (int i = 0; i < v.length; i++) {
      v[i] = i;
    }
    return NpyArray.ofFloats(shape, v);
  }

  @Test
  void zeroPaddingAcceptsKerasForms() {
    NpyArray x = seq(1, 2, 1);
    assertArrayEquals(new float[] {0, 0, 1, 0, 0, 0}, run("ZeroPadding1D", "'padding': [1, 3]",
        x).toFloatArray());
    NpyArray img = seq(1, 2, 2, 1);
    assertArrayEquals(new long[] {1, 4, 4, 1}, run("ZeroPadding2D", "", img).shape());
    assertArrayEquals(new long[] {1, 6, 8, 1}, run("ZeroPadding2D", "'padding': [2, 3]", img)
        .shape());
    NpyArray p = run("ZeroPadding2D", "'padding': [[1, 0], [0, 2]]", img);
    assertArrayEquals(new float[] {0, 0, 0, 0, 0, 1, 0, 0, 2, 3, 0, 0}, p.toFloatArray());
    NpyArray cf = run("ZeroPadding2D", "'padding': [[0, 1], [1, 0]], 'data_format':"
        + " 'channels_first'", seq(1, 1, 2, 2));
    assertArrayEquals(new float[] {0, 0, 1, 0, 2, 3, 0, 0, 0}, cf.toFloatArray());
  }

  @Test
  void croppingRemovesBeforeAndAfter() {
    NpyArray x = seq(1, 5, 1);
    assertArrayEquals(new float[] {1, 2}, run("Cropping1D", "'cropping': [1, 2]", x)
        .toFloatArray());
    assertArrayEquals(new float[] {2, 3, 4}, run("Cropping1D", "'cropping': [2, 0]", x)
        .toFloatArray());
    NpyArray img = seq(1, 1, 3, 4);
    assertArrayEquals(new float[] {5, 6}, run("Cropping2D", "'cropping': [[1, 1], [1, 1]],"
        + " 'data_format': 'channels_first'", img).toFloatArray());
    ShapeMismatchException e = assertThrows(ShapeMismatchException.class, () -> run(
        "Cropping1D", "'cropping': [3, 2]", x));
    assertTrue(e.getMessage().contains("layer 'r'"), e.getMessage());
  }

  @Test
  void upsamplingRepeatsOrInterpolates() {
    assertArrayEquals(new float[] {0, 0, 0, 1, 1, 1}, run("UpSampling1D", "'size': 3",
        seq(1, 2, 1)).toFloatArray());
    NpyArray img = seq(1, 1, 2, 1);
    assertArrayEquals(new float[] {0, 0, 1, 1, 0, 0, 1, 1}, run("UpSampling2D", "", img)
        .toFloatArray());
    // half-pixel centers: output column j samples input x = (j + 0.5) / 2 - 0.5, clamped
    assertArrayEquals(new float[] {0, 0.25f, 0.75f, 1}, run("UpSampling2D", "'size': [1, 2],"
        + " 'interpolation': 'bilinear'", img).toFloatArray(), 1e-7f);
    NpyArray cf = run("UpSampling2D", "'size': [2, 3], 'interpolation': 'bicubic',"
        + " 'data_format': 'channels_first'", SpatialHarness.normal(2, 2, 3, 4, 5));
    assertArrayEquals(new long[] {2, 3, 8, 15}, cf.shape());
  }

  @Test
  void nonNearestInterpolationNeedsAHalfPixelKerasVersion() {
    String cfg = "{'name': 'r', 'size': [2, 2], 'interpolation': 'bilinear'}";
    for (String ok : List.of("3.15.1", "2.11.0", "2.4.0", "2.3.0-tf", "")) {
      assertTrue(LayerHarness.problems("UpSampling2D", cfg, ok).isEmpty(), ok);
    }
    for (String old : List.of("2.2.4", "2.2.4-tf", "2.1.5", "1.2.2")) {
      List<String> p = LayerHarness.problems("UpSampling2D", cfg, old);
      assertTrue(p.size() == 1 && p.get(0).contains("half-pixel"), old + ": " + p);
    }
    assertTrue(LayerHarness.problems("UpSampling2D", cfg.replace("bilinear", "nearest"),
        "2.2.4").isEmpty());
    assertTrue(LayerHarness.problems("UpSampling2D", cfg.replace("bilinear", "gaussian"),
        "3.15.1").get(0).contains("interpolation"));
  }

  @Test
  void reshapePermuteRepeat() {
    NpyArray x = seq(2, 4, 6);
    NpyArray r = LayerHarness.run(layer("Reshape", "'target_shape': [-1, 3]"), List.of(x))
        .output();
    assertArrayEquals(new long[] {2, 8, 3}, r.shape());
    assertArrayEquals(x.toFloatArray(), r.toFloatArray());
    LayerHarness.Result rs = LayerHarness.run(layer("Reshape", "'target_shape': [2, -1, 4]"),
        List.of(x));
    assertArrayEquals(new long[] {-1, 2, 3, 4}, rs.staticShapes().get(0).asArray(),
        "-1 resolved statically, as Keras does");
    assertThrows(ShapeMismatchException.class, () -> run("Reshape", "'target_shape': [5, -1]",
        x));
    assertTrue(LayerHarness.problems("Reshape", "{'name': 'r', 'target_shape': [-1, -1]}",
        "3.15.1").get(0).contains("target_shape"));
    NpyArray p = run("Permute", "'dims': [2, 1]", seq(1, 2, 3));
    assertArrayEquals(new long[] {1, 3, 2}, p.shape());
    assertArrayEquals(new float[] {0, 3, 1, 4, 2, 5}, p.toFloatArray());
    assertTrue(LayerHarness.problems("Permute", "{'name': 'r', 'dims': [0, 1]}", "3.15.1")
        .get(0).contains("dims"));
    NpyArray v = run("RepeatVector", "'n': 3", seq(2, 2));
    assertArrayEquals(new long[] {2, 3, 2}, v.shape());
    assertArrayEquals(new float[] {0, 1, 0, 1, 0, 1, 2, 3, 2, 3, 2, 3}, v.toFloatArray());
  }

  @Test
  void unknownLengthsGiveTheSameValues() {
    NpyArray x = SpatialHarness.normal(6, 2, 4, 5, 3);
    for (String[] c : new String[][] {{"UpSampling2D", "'size': [2, 3], 'interpolation':"
        + " 'bilinear'"}, {"UpSampling2D", "'size': [3, 2]"}, {"Cropping2D", "'cropping': 1"},
        {"ZeroPadding2D", "'padding': [[1, 2], [0, 1]]"}, {"Reshape", "'target_shape': [-1]"},
        {"Permute", "'dims': [3, 1, 2]"}}) {
      NpyArray a = SpatialHarness.run(layer(c[0], c[1]), x, new long[] {-1, 4, 5, 3}, 0)
          .value();
      NpyArray b = SpatialHarness.run(layer(c[0], c[1]), x, new long[] {-1, -1, -1, 3}, 0)
          .value();
      LayerHarness.assertClose(a, b, 0);
    }
    NpyArray s = SpatialHarness.normal(7, 2, 5, 3);
    LayerHarness.assertClose(
        SpatialHarness.run(layer("UpSampling1D", ""), s, new long[] {-1, 5, 3}, 0).value(),
        SpatialHarness.run(layer("UpSampling1D", ""), s, new long[] {-1, -1, -1}, 0).value(), 0);
  }
}
