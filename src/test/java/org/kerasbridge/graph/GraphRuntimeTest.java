package org.kerasbridge.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.kerasbridge.ShapeMismatchException;
import org.kerasbridge.ndarray.NpyArray;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

class GraphRuntimeTest {
  @Test
  void variablesLoadComputeDifferentiateAndReadBack() {
    try (GraphRuntime rt = new GraphRuntime(Device.CPU)) {
      Ops tf = rt.tf();
      GraphRuntime.Var w = rt.createVariable("dense/kernel", new long[] {2, 1});
      Placeholder<TFloat32> x = tf.placeholder(TFloat32.class,
          Placeholder.shape(Shape.of(-1, 2)));
      Operand<TFloat32> y = tf.linalg.matMul(x, w.variable());
      Operand<TFloat32> loss = tf.math.mean(tf.math.square(y), tf.constant(new int[] {0, 1}));
      Operand<?> grad = tf.gradients(loss, List.of(w.variable())).dy(0);
      rt.assign(Map.of("dense/kernel", NpyArray.ofFloats(new long[] {2, 1}, 1f, 2f)));
      List<NpyArray> out = rt.run(
          Map.of(x, NpyArray.ofFloats(new long[] {2, 2}, 1, 1, 2, 0)), List.of(y, grad),
          List.of());
      assertArrayEquals(new float[] {3f, 2f}, out.get(0).toFloatArray());
      // d/dW mean(y^2) = 2/N * x^T y = [ (1*3+2*2), (1*3+0*2) ] = [7, 3]
      assertArrayEquals(new float[] {7f, 3f}, out.get(1).toFloatArray(), 1e-6f);
      assertEquals(NpyArray.ofFloats(new long[] {2, 1}, 1f, 2f),
          rt.read(null).get("dense/kernel"));
      assertThrows(ShapeMismatchException.class, () -> rt.assign(
          Map.of("dense/kernel", NpyArray.ofFloats(new long[] {1, 2}, 1f, 2f))));
      assertTrue(rt.graph().operation("dense/kernel/var") != null);
    }
  }
}
