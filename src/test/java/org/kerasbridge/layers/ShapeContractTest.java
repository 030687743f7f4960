package org.kerasbridge.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.kerasbridge.ShapeMismatchException;
import org.kerasbridge.graph.Device;
import org.kerasbridge.graph.GraphRuntime;
import org.kerasbridge.io.LayerRegistry;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TType;

/**
 * The static-shape contract of {@link Layer#apply}: with the batch unknown, the layers whose ops
 * compute their output shape at run time (nearest UpSampling as tile + reshape, RepeatVector, a
 * strided Conv2DTranspose, Reshape, Flatten) still give the next layer every dimension Keras's
 * {@code compute_output_shape} knows; and a graph that contradicts the contract fails by name.
 */
class ShapeContractTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static long[] traced(String layerJson, long... inputShape) throws Exception {
    JsonNode node = JSON.readTree(layerJson);
    Problems problems = new Problems("test");
    Layer layer = LayerRegistry.context(problems, "3.15.1").create(node);
    problems.throwIfAny();
    try (GraphRuntime rt = new GraphRuntime(Device.CPU)) {
      Ops tf = rt.tf();
      Placeholder<TFloat32> x = tf.placeholder(TFloat32.class,
          Placeholder.shape(Shape.of(inputShape)));
      List<Operand<TFloat32>> out = layer.apply(tf, List.of(x), new CallContext(rt, false, 1));
      Shape keras = layer.computeOutputShape(List.of(Shape.of(inputShape))).get(0);
      assertArrayEquals(keras.asArray(), out.get(0).shape().asArray(),
          "the graph carries Keras's static shape");
      return out.get(0).shape().asArray();
    }
  }

  @Test
  void runTimeShapedOpsKeepTheDimensionsKerasKnows() throws Exception {
    assertArrayEquals(new long[] {-1, 6, 10, 2}, traced("{\"class_name\": \"UpSampling2D\","
        + " \"config\": {\"name\": \"up\", \"size\": [2, 2]}}", -1, 3, 5, 2));
    assertArrayEquals(new long[] {-1, 4, 3}, traced("{\"class_name\": \"RepeatVector\","
        + " \"config\": {\"name\": \"rep\", \"n\": 4}}", -1, 3));
    assertArrayEquals(new long[] {-1, 8, 8, 3}, traced("{\"class_name\": \"Conv2DTranspose\","
        + " \"config\": {\"name\": \"ct\", \"filters\": 3, \"kernel_size\": [3, 3],"
        + " \"strides\": [2, 2], \"padding\": \"same\"}}", -1, 4, 4, 2));
    assertArrayEquals(new long[] {-1, 2, 6}, traced("{\"class_name\": \"Reshape\","
        + " \"config\": {\"name\": \"rs\", \"target_shape\": [2, -1]}}", -1, 3, 4));
    assertArrayEquals(new long[] {-1, 12}, traced("{\"class_name\": \"Flatten\","
        + " \"config\": {\"name\": \"fl\"}}", -1, 3, 4));
    // None stays None where Keras has None
    assertArrayEquals(new long[] {-1, -1, -1, 2}, traced("{\"class_name\": \"UpSampling2D\","
        + " \"config\": {\"name\": \"up2\", \"size\": [2, 2]}}", -1, -1, -1, 2));
  }

  @Test
  void aGraphThatContradictsTheContractFailsNamingTheLayer() throws Exception {
    Problems problems = new Problems("test");
    LayerConfig c = new LayerConfig("Liar", JSON.readTree("{\"name\": \"liar\"}"), problems,
        "3.15.1");
    Layer liar = new Layer(c) {
      @Override
      public List<Shape> computeOutputShape(List<Shape> in) {
        return List.of(Shape.of(-1, 7));
      }

      @Override
      protected List<Operand<TFloat32>> call(Ops tf, List<Operand<? extends TType>> in,
          CallContext ctx) {
        @SuppressWarnings("unchecked")
        Operand<TFloat32> x = (Operand<TFloat32>) in.get(0);
        return List.of(x);
      }
    };
    try (GraphRuntime rt = new GraphRuntime(Device.CPU)) {
      Ops tf = rt.tf();
      Placeholder<TFloat32> x = tf.placeholder(TFloat32.class,
          Placeholder.shape(Shape.of(-1, 3)));
      ShapeMismatchException e = assertThrows(ShapeMismatchException.class,
          () -> liar.apply(tf, List.of(x), new CallContext(rt, false, 1)));
      assertTrue(e.getMessage().contains("liar") && e.getMessage().contains("(None, 7)"),
          e.getMessage());
    }
  }
}
