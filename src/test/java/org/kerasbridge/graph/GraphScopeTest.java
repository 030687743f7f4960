package org.kerasbridge.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** The runtime's scope names ops exactly as TF Java's own scope does, without its graph scans. */
class GraphScopeTest {
  /** Every naming path the layers use: sub-scopes (repeated), withName, zeros/ones, gradients. */
  private static void build(Ops root) {
    Ops a = root.withSubScope("dense");
    Operand<TFloat32> x = a.withName("x").constant(new float[][] {{1f, 2f}});
    Operand<TFloat32> y = a.math.mul(x, a.constant(2f));
    a.math.mul(y, a.constant(3f));
    Ops again = root.withSubScope("dense"); // dense_1
    again.withName("x").constant(1f);
    again.withName("x").constant(2f); // x_1
    Ops nested = again.withSubScope("step_0").withSubScope("cell");
    nested.zeros(nested.constant(new int[] {2, 3}), TFloat32.class);
    nested.ones(nested.constant(new int[] {2}), TFloat32.class);
    root.withName("named").withSubScope("ignored").constant(0f); // withName names the scope
    Ops train = root.withSubScope("train_step");
    Operand<TFloat32> loss = train.reduceSum(train.math.square(y), train.constant(new int[] {0, 1}));
    train.gradients(loss, List.of(x));
    train.gradients(loss, List.of(x));
  }

  private static List<String> names(Function<Graph, Ops> root) {
    try (Graph g = new Graph()) {
      build(root.apply(g));
      List<String> out = new ArrayList<>();
      g.operations().forEachRemaining(o -> out.add(o.name()));
      out.sort(null);
      return out;
    }
  }

  @Test
  void opNamesAreThoseOfTfJavasScope() {
    List<String> ours = names(GraphScope::root);
    assertEquals(names(Ops::create), ours);
    assertTrue(ours.contains("dense_1/x_1"), ours.toString());
    assertTrue(ours.contains("dense_1/step_0/cell/Zeros/Fill"), ours.toString());
    assertTrue(ours.contains("named/Const"), ours.toString());
  }

  @Test
  void theRuntimeUsesItAndAGraphWithOpsKeepsTfJavasScope() {
    try (GraphRuntime rt = new GraphRuntime(Device.CPU)) {
      assertTrue(rt.tf().scope() instanceof GraphScope, rt.tf().scope().getClass().getName());
    }
    try (Graph g = new Graph()) {
      Ops.create(g).withSubScope("a").constant(1f);
      Ops tf = GraphScope.root(g);
      assertFalse(tf.scope() instanceof GraphScope);
      // TF Java learns the graph's names: no duplicate node name
      assertEquals("a_1/Const", tf.withSubScope("a").constant(2f).op().name());
    }
  }

  @Test
  void invalidNamesAreRefusedAsTfJavaRefusesThem() {
    try (Graph g = new Graph()) {
      Ops tf = GraphScope.root(g);
      assertThrows(IllegalArgumentException.class, () -> tf.withSubScope("a/b"));
      assertThrows(IllegalArgumentException.class, () -> tf.withName("_x"));
    }
  }
}
