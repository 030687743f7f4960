package org.kerasbridge.layers.conv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.kerasbridge.ShapeMismatchException;
import org.kerasbridge.layers.Layer;
import org.kerasbridge.layers.Weight;
import org.kerasbridge.layers.core.LayerHarness;
import org.kerasbridge.ndarray.NpyArray;

/**
 * Convolution layers: Keras's weight names, shapes and creation order, output lengths, code paths
 * for lengths known only at run time, the arguments refused, and parity with the per-layer
 * fixtures Keras wrote.
 */
class ConvLayersTest {
  private static final Set<String> CLASSES = Set.of("Conv1D", "Conv2D", "Conv1DTranspose",
      "Conv2DTranspose", "DepthwiseConv1D", "DepthwiseConv2D", "SeparableConv1D",
      "SeparableConv2D");

  @TestFactory
  List<DynamicNode> kerasFixturesMatch() {
    return LayerFixtures.forClasses(CLASSES);
  }

  private static Layer layer(String cls, String config) {
    return LayerHarness.create(cls, "{'name': 'l', " + config + "}");
  }

  /** Builds {@code layer} on {@code shape}; checks its weights (name, shape) in order. */
  private static SpatialHarness.Out build(Layer layer, long[] shape, Object... namesAndShapes) {
    SpatialHarness.Out out = SpatialHarness.run(layer, SpatialHarness.normal(1, shape),
        SpatialHarness.batchUnknown(shape), 7);
    List<Weight> ws = layer.weights();
    assertEquals(namesAndShapes.length / 2, ws.size(), "weights " + ws);
    for (int i = 0; i < ws.size(); i++) {
      assertEquals(namesAndShapes[2 * i], ws.get(i).name());
      assertEquals("l/" + namesAndShapes[2 * i], ws.get(i).path());
      assertArrayEquals((long[]) namesAndShapes[2 * i + 1], ws.get(i).shape(), ws.get(i).name());
      assertTrue(ws.get(i).trainable());
    }
    return out;
  }

  private static long[] s(long... d) {
    return d;
  }

  @Test
  void weightsFollowKerasLayoutsAndOrder() {
    build(layer("Conv1D", "'filters': 4, 'kernel_size': 3, 'groups': 2"), s(2, 9, 6),
        "kernel", s(3, 3, 4), "bias", s(4));
    build(layer("Conv2D", "'filters': 5, 'kernel_size': [3, 2], 'data_format':"
        + " 'channels_first'"), s(2, 3, 7, 6), "kernel", s(3, 2, 3, 5), "bias", s(5));
    build(layer("Conv2D", "'filters': 5, 'kernel_size': 3, 'use_bias': false"), s(2, 7, 6, 3),
        "kernel", s(3, 3, 3, 5));
    build(layer("Conv2DTranspose", "'filters': 4, 'kernel_size': [3, 2]"), s(2, 5, 6, 3),
        "kernel", s(3, 2, 4, 3), "bias", s(4));
    build(layer("Conv1DTranspose", "'filters': 4, 'kernel_size': 3, 'data_format':"
        + " 'channels_first'"), s(2, 3, 6), "kernel", s(3, 4, 3), "bias", s(4));
    build(layer("DepthwiseConv2D", "'kernel_size': 3, 'depth_multiplier': 2"), s(2, 7, 8, 3),
        "kernel", s(3, 3, 3, 2), "bias", s(6));
    build(layer("DepthwiseConv1D", "'kernel_size': 3"), s(2, 7, 3), "kernel", s(3, 3, 1),
        "bias", s(3));
    build(layer("SeparableConv2D", "'filters': 5, 'kernel_size': 3, 'depth_multiplier': 2"),
        s(2, 7, 8, 3), "depthwise_kernel", s(3, 3, 3, 2), "pointwise_kernel", s(1, 1, 6, 5),
        "bias", s(5));
    build(layer("SeparableConv1D", "'filters': 5, 'kernel_size': 3"), s(2, 7, 3),
        "depthwise_kernel", s(3, 3, 1), "pointwise_kernel", s(1, 3, 5), "bias", s(5));
  }

  private static long[] outShape(String cls, String config, long... in) {
    return SpatialHarness.run(layer(cls, config), SpatialHarness.normal(2, in),
        SpatialHarness.batchUnknown(in), 3).value().shape();
  }

  @Test
  void outputLengthsFollowKeras() {
    // valid: floor((n - k') / s) + 1; same and causal: ceil(n / s)
    assertArrayEquals(s(2, 4, 2, 5), outShape("Conv2D", "'filters': 5, 'kernel_size': 3,"
        + " 'strides': 2", 2, 9, 6, 3));
    assertArrayEquals(s(2, 5, 3, 5), outShape("Conv2D", "'filters': 5, 'kernel_size': [3, 2],"
        + " 'strides': [2, 3], 'padding': 'same'", 2, 9, 8, 3));
    assertArrayEquals(s(2, 5, 5, 4), outShape("Conv2D", "'filters': 5, 'kernel_size': 3,"
        + " 'dilation_rate': [2, 3], 'data_format': 'channels_first'", 2, 3, 9, 10));
    assertArrayEquals(s(2, 4, 4), outShape("Conv1D", "'filters': 4, 'kernel_size': 4,"
        + " 'strides': 3, 'padding': 'causal'", 2, 11, 3));
    // transposed, on 7 x 9: valid (n - 1) s + max(k', s) + ..., same n s or (n - 1) s + k' % 2 + p
    assertArrayEquals(s(2, 21, 27, 2), outShape("Conv2DTranspose", "'filters': 2,"
        + " 'kernel_size': 2, 'strides': 3", 2, 7, 9, 3));
    assertArrayEquals(s(2, 22, 28, 2), outShape("Conv2DTranspose", "'filters': 2,"
        + " 'kernel_size': 3, 'strides': 3, 'output_padding': 1", 2, 7, 9, 3));
    assertArrayEquals(s(2, 14, 18, 2), outShape("Conv2DTranspose", "'filters': 2,"
        + " 'kernel_size': 4, 'strides': 2, 'padding': 'same'", 2, 7, 9, 3));
    assertArrayEquals(s(2, 13, 17, 2), outShape("Conv2DTranspose", "'filters': 2,"
        + " 'kernel_size': 3, 'strides': 2, 'padding': 'same', 'output_padding': 0",
        2, 7, 9, 3));
    assertArrayEquals(s(2, 19, 25, 2), outShape("Conv2DTranspose", "'filters': 2,"
        + " 'kernel_size': 2, 'strides': 3, 'padding': 'same', 'output_padding': 1",
        2, 7, 9, 3));
    assertArrayEquals(s(2, 11, 13, 2), outShape("Conv2DTranspose", "'filters': 2,"
        + " 'kernel_size': 3, 'dilation_rate': 2", 2, 7, 9, 3));
    assertArrayEquals(s(2, 6, 6, 4), outShape("DepthwiseConv2D", "'kernel_size': 3, 'strides': 2,"
        + " 'dilation_rate': 2, 'padding': 'same', 'data_format': 'channels_first'",
        2, 6, 11, 7));
    assertArrayEquals(s(2, 4, 3, 5), outShape("SeparableConv2D", "'filters': 5, 'kernel_size':"
        + " 3, 'strides': [2, 3], 'dilation_rate': 2", 2, 11, 13, 3));
  }

  /** Runs {@code config} with static and with unknown spatial lengths: same values. */
  private static void sameWhenDynamic(String cls, String config, int channelAxis, long... in) {
    NpyArray x = SpatialHarness.normal(5, in);
    NpyArray stat = SpatialHarness.run(layer(cls, config), x, SpatialHarness.batchUnknown(in), 9)
        .value();
    SpatialHarness.Out dyn = SpatialHarness.run(layer(cls, config), x,
        SpatialHarness.allUnknownBut(in, channelAxis), 9);
    LayerHarness.assertClose(stat, dyn.value(), 0);
  }

  @Test
  void unknownSpatialLengthsComputeTheSame() {
    sameWhenDynamic("Conv1D", "'filters': 3, 'kernel_size': 3, 'dilation_rate': 2, 'padding':"
        + " 'causal'", 2, 2, 9, 2);
    sameWhenDynamic("Conv2D", "'filters': 4, 'kernel_size': 3, 'groups': 2, 'strides': 2,"
        + " 'padding': 'same', 'data_format': 'channels_first'", 1, 2, 4, 7, 6);
    sameWhenDynamic("Conv2DTranspose", "'filters': 2, 'kernel_size': 3, 'strides': [2, 3],"
        + " 'padding': 'same', 'output_padding': [1, 0]", 3, 2, 5, 4, 3);
    sameWhenDynamic("Conv2DTranspose", "'filters': 2, 'kernel_size': 2, 'strides': 3", 3,
        2, 5, 4, 3);
    sameWhenDynamic("Conv1DTranspose", "'filters': 2, 'kernel_size': 3, 'strides': 2,"
        + " 'output_padding': 1", 2, 2, 5, 3);
    sameWhenDynamic("DepthwiseConv2D", "'kernel_size': 3, 'strides': 2, 'dilation_rate': 2,"
        + " 'padding': 'same', 'depth_multiplier': 2", 3, 2, 11, 10, 3);
    sameWhenDynamic("SeparableConv1D", "'filters': 3, 'kernel_size': 3, 'strides': 3,"
        + " 'dilation_rate': 2, 'padding': 'same'", 2, 2, 13, 3);
  }

  @Test
  void channelsFirstIsChannelsLastTransposed() {
    NpyArray x = SpatialHarness.normal(4, 2, 7, 6, 3);
    for (String cls : List.of("Conv2D", "Conv2DTranspose", "SeparableConv2D")) {
      String cfg = "'filters': 4, 'kernel_size': 3, 'strides': 2, 'padding': 'same'";
      NpyArray last = SpatialHarness.run(layer(cls, cfg), x, s(-1, 7, 6, 3), 11).value();
      NpyArray first = SpatialHarness.run(layer(cls, cfg + ", 'data_format': 'channels_first'"),
          transpose(x, new int[] {0, 3, 1, 2}), s(-1, 3, 7, 6), 11).value();
      LayerHarness.assertClose(transpose(last, new int[] {0, 3, 1, 2}), first, 1e-5);
    }
  }

  /** A plain transpose of a float array, for checking layouts. */
  static NpyArray transpose(NpyArray a, int[] perm) {
    long[] in = a.shape();
    long[] out = new long[in.length];
    for (int i = 0; i < perm.length; i++) {
      out[i] = in[perm[i]];
    }
    float[] v = a.toFloatArray();
    float[] r = new float[v.length];
    long[] inStride = strides(in);
    long[] outStride = strides(out);
    for (int flat = 0; flat < v.length; flat++) {
      long rem = flat;
      long src = 0;
      for (int i = 0; i < out.length; i++) {
        long idx = rem / outStride[i];
        rem %= outStride[i];
        src += idx * inStride[perm[i]];
      }
      r[flat] = v[(int) src];
    }
    return NpyArray.ofFloats(out, r);
  }

  private static long[] strides(long[] shape) {
    long[] st = new long[shape.length];
    long acc = 1;
    for (int i = shape.length - 1; i >= 0; i--) {
      st[i] = acc;
      acc *= shape[i];
    }
    return st;
  }

  @Test
  void gradientsReachEveryWeightAndTheInput() {
    String[][] cases = {{"Conv1D", "'filters': 3, 'kernel_size': 3, 'padding': 'causal',"
        + " 'groups': 3", "9,6"}, {"Conv2D", "'filters': 4, 'kernel_size': 3, 'strides': 2,"
        + " 'data_format': 'channels_first'", "3,7,6"}, {"Conv2DTranspose", "'filters': 2,"
        + " 'kernel_size': 3, 'strides': 2, 'dilation_rate': 1, 'output_padding': 1", "5,4,3"},
        {"DepthwiseConv2D", "'kernel_size': 3, 'strides': 2, 'dilation_rate': 2, 'padding':"
        + " 'same'", "9,8,3"}, {"SeparableConv1D", "'filters': 2, 'kernel_size': 3,"
        + " 'depth_multiplier': 2", "9,3"},
        // dilated valid: the filter gradient of TF's dilated VALID oneDNN kernel crashes the
        // JVM (SIGILL); these run as same + crop (Spatial.validViaSame)
        {"Conv2D", "'filters': 2, 'kernel_size': 3, 'dilation_rate': [1, 2]", "9,8,3"},
        {"Conv1D", "'filters': 2, 'kernel_size': 3, 'dilation_rate': 2, 'padding': 'causal'",
        "9,3"}, {"DepthwiseConv2D", "'kernel_size': 3, 'dilation_rate': 2", "9,8,3"},
        {"SeparableConv1D", "'filters': 2, 'kernel_size': 3, 'strides': 2, 'dilation_rate': 2",
        "13,3"}};
    for (String[] c : cases) {
      long[] in = java.util.stream.Stream.concat(java.util.stream.Stream.of("2"),
          java.util.Arrays.stream(c[2].split(","))).mapToLong(Long::parseLong).toArray();
      Layer l = layer(c[0], c[1]);
      List<NpyArray> g = SpatialHarness.gradients(l, SpatialHarness.normal(3, in), 5);
      assertEquals(l.weights().size() + 1, g.size());
      for (int i = 0; i < g.size(); i++) {
        float[] v = g.get(i).toFloatArray();
        boolean nonZero = false;
        for (float f : v) {
          assertTrue(Float.isFinite(f), c[0] + " gradient " + i);
          nonZero |= f != 0;
        }
        assertTrue(nonZero, c[0] + " gradient " + i + " is all zero");
      }
    }
  }

  private static void refused(String cls, String config, String mention) {
    List<String> p = LayerHarness.problems(cls, "{'name': 'l', " + config + "}", "3.15.1");
    assertTrue(p.stream().anyMatch(m -> m.contains(mention) && m.contains("layer 'l'")),
        cls + " " + config + " should be refused mentioning '" + mention + "', got " + p);
  }

  @Test
  void unsupportedArgumentsAreReported() {
    refused("Conv2D", "'filters': 2, 'kernel_size': 3, 'lora_rank': 4", "lora_rank");
    refused("Conv2D", "'filters': 2, 'kernel_size': 3, 'strides': 2, 'dilation_rate': 2",
        "dilation_rate");
    refused("Conv2D", "'filters': 2, 'kernel_size': 3, 'padding': 'causal'", "padding");
    refused("Conv2D", "'filters': 3, 'kernel_size': 3, 'groups': 2", "groups");
    refused("Conv2D", "'filters': 3, 'kernel_size': 3, 'data_format': 'NCHW'", "data_format");
    refused("Conv2D", "'filters': 3, 'kernel_size': 3, 'frobnicate': 1", "frobnicate");
    refused("Conv2D", "'filters': 3", "kernel_size");
    refused("Conv2D", "'filters': 3, 'kernel_size': 0", "kernel_size");
    refused("Conv2D", "'filters': 3, 'kernel_size': 3, 'activation': 'mystery'", "activation");
    refused("Conv2DTranspose", "'filters': 2, 'kernel_size': 4, 'strides': 2, 'padding':"
        + " 'same', 'output_padding': 0", "output_padding=0");
    refused("Conv2DTranspose", "'filters': 2, 'kernel_size': 3, 'strides': 2,"
        + " 'output_padding': 2", "output_padding");
    refused("Conv2DTranspose", "'filters': 2, 'kernel_size': 3, 'groups': 2", "groups");
    refused("DepthwiseConv2D", "'kernel_size': 3, 'depth_multiplier': 0", "depth_multiplier");
    refused("SeparableConv2D", "'filters': 2, 'kernel_size': 3, 'padding': 'causal'",
        "padding");
    // tf.keras 2.x wrote groups=1 into transposed, depthwise and separable configs: accepted
    assertTrue(LayerHarness.problems("DepthwiseConv2D", "{'name': 'l', 'kernel_size': 3,"
        + " 'groups': 1, 'depthwise_constraint': null}", "2.11.0").isEmpty());
  }

  @Test
  void shapeErrorsNameTheLayer() {
    ShapeMismatchException e = assertThrows(ShapeMismatchException.class, () -> build(
        layer("Conv2D", "'filters': 2, 'kernel_size': 5"), s(2, 4, 6, 3)));
    assertTrue(e.getMessage().contains("layer 'l'") && e.getMessage().contains("zero or negative"),
        e.getMessage());
    e = assertThrows(ShapeMismatchException.class, () -> build(
        layer("Conv2D", "'filters': 4, 'kernel_size': 3, 'groups': 2"), s(2, 6, 6, 3)));
    assertTrue(e.getMessage().contains("groups=2"), e.getMessage());
    e = assertThrows(ShapeMismatchException.class, () -> build(
        layer("Conv1D", "'filters': 4, 'kernel_size': 3"), s(2, 6, 6, 3)));
    assertTrue(e.getMessage().contains("rank 3"), e.getMessage());
  }

  @Test
  void kernelAndBiasRegularizersAreExposed() {
    Layer l = layer("SeparableConv2D", "'filters': 2, 'kernel_size': 3, 'depthwise_regularizer':"
        + " 'l2', 'pointwise_regularizer': {'class_name': 'L1', 'config': {'l1': 0.5}},"
        + " 'bias_regularizer': 'l1'");
    build(l, s(2, 5, 5, 3), "depthwise_kernel", s(3, 3, 3, 1), "pointwise_kernel",
        s(1, 1, 3, 2), "bias", s(2));
    assertEquals(List.of("depthwise_kernel", "pointwise_kernel", "bias"),
        l.regularizedWeights().stream().map(r -> r.weight().name()).toList());
    Layer c = layer("Conv1D", "'filters': 2, 'kernel_size': 3, 'kernel_regularizer': 'l1'");
    build(c, s(2, 5, 3), "kernel", s(3, 3, 2), "bias", s(2));
    assertEquals(List.of("kernel"),
        c.regularizedWeights().stream().map(r -> r.weight().name()).toList());
  }
}
