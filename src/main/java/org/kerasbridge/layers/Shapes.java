package org.kerasbridge.layers;

import java.util.ArrayList;
import java.util.List;
import org.kerasbridge.ShapeMismatchException;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/** Small shape helpers shared by layers. */
public final class Shapes {
  private Shapes() {}

  /** A dimension as Keras prints it. */
  public static String dim(long d) {
    return d < 0 ? "None" : Long.toString(d);
  }

  /** The shape as Keras prints it: {@code (None, 28, 28, 1)}. */
  public static String keras(Shape s) {
    if (s.isUnknown()) {
      return "?";
    }
    StringBuilder b = new StringBuilder("(");
    for (int i = 0; i < s.numDimensions(); i++) {
      b.append(i > 0 ? ", " : "").append(dim(s.size(i)));
    }
    return b.append(s.numDimensions() == 1 ? ",)" : ")").toString();
  }

  /**
   * The 1-D shape {@code [batch, rest...]} with the batch size taken from {@code like} at run
   * time; {@code rest} is static, where one entry may be -1 for reshape to infer.
   */
  public static Operand<TInt32> batchAnd(Ops tf, Operand<?> like, long... rest) {
    int[] dims = new int[rest.length];
    for (int i = 0; i < dims.length; i++) {
      dims[i] = Math.toIntExact(rest[i]);
    }
    long batch = like.shape().numDimensions() > 0 ? like.shape().size(0) : -1;
    if (batch >= 0) {
      int[] all = new int[dims.length + 1];
      all[0] = (int) batch;
      System.arraycopy(dims, 0, all, 1, dims.length);
      return tf.constant(all);
    }
    Operand<TInt32> b = tf.slice(tf.shape(like), tf.constant(new int[] {0}),
        tf.constant(new int[] {1}));
    return tf.concat(java.util.List.of(b, tf.constant(dims)), tf.constant(0));
  }

  /** The dimensions of a known-rank shape (-1 for unknown). */
  public static long[] dims(Shape s) {
    return s.isUnknown() ? null : s.asArray();
  }

  /** {@code s} with dimension {@code axis} (negative counts from the end) set to {@code d}. */
  public static Shape with(Shape s, int axis, long d) {
    if (s.isUnknown()) {
      return s;
    }
    long[] a = s.asArray();
    a[axis < 0 ? a.length + axis : axis] = d;
    return Shape.of(a);
  }

  /** {@code s} with the last dimension replaced by {@code d}. */
  public static Shape withLast(Shape s, long d) {
    return with(s, -1, d);
  }

  /** {@code a * b} for dimensions where -1 (None) stays -1. */
  public static long times(long a, long b) {
    return a < 0 || b < 0 ? -1 : a * b;
  }

  /** {@code a + b} for dimensions where -1 (None) stays -1. */
  public static long plus(long a, long b) {
    return a < 0 || b < 0 ? -1 : a + b;
  }

  /**
   * Gives every output at least the static dimensions {@code expected} says it has (a layer's
   * {@link Layer#computeOutputShape}). A dimension the graph knows and Keras does not stays; one
   * Keras knows and the graph has lost (an op whose output shape TF computes at run time) is put
   * back with a reshape, whose shape argument packs the known sizes as constants, so TF's shape
   * inference sees them, and reads only the unknown ones at run time. Reshape is used rather than
   * EnsureShape because its gradient is registered in TF's C++ gradient table. A known dimension
   * that disagrees with Keras's is a bug in the layer and fails here, naming the layer.
   */
  public static List<Operand<TFloat32>> withStaticShapes(Ops tf, Layer layer,
      List<Operand<TFloat32>> outs, List<Shape> expected) {
    if (expected == null) {
      return outs;
    }
    String where = layer.config().where();
    if (expected.size() != outs.size()) {
      throw new ShapeMismatchException(where + " returned " + outs.size() + " output(s), but"
          + " its output shape contract lists " + expected.size());
    }
    List<Operand<TFloat32>> result = new ArrayList<>(outs.size());
    for (int k = 0; k < outs.size(); k++) {
      Operand<TFloat32> y = outs.get(k);
      Shape e = expected.get(k);
      Shape g = y.shape();
      if (e.isUnknown()) {
        result.add(y);
        continue;
      }
      if (!g.isUnknown() && g.numDimensions() != e.numDimensions()) {
        throw new ShapeMismatchException(where + ": output " + k + " has shape " + keras(g)
            + " in the graph, but Keras computes " + keras(e));
      }
      long[] merged = e.asArray();
      boolean gained = g.isUnknown();
      int unknown = 0;
      for (int i = 0; i < merged.length; i++) {
        long gd = g.isUnknown() ? -1 : g.size(i);
        if (merged[i] >= 0 && gd >= 0 && merged[i] != gd) {
          throw new ShapeMismatchException(where + ": output " + k + " has shape " + keras(g)
              + " in the graph, but Keras computes " + keras(e));
        }
        if (merged[i] >= 0 && gd < 0) {
          gained = true;
        }
        if (merged[i] < 0) {
          merged[i] = gd;
        }
        if (merged[i] < 0) {
          unknown++;
        }
      }
      if (!gained) {
        result.add(y);
        continue;
      }
      Operand<TInt32> target;
      if (unknown <= 1) {
        int[] c = new int[merged.length];
        for (int i = 0; i < c.length; i++) {
          c[i] = Math.toIntExact(merged[i]);
        }
        target = tf.constant(c);
      } else {
        Operand<TInt32> dyn = tf.shape(y);
        List<Operand<TInt32>> parts = new ArrayList<>();
        for (int i = 0; i < merged.length; i++) {
          parts.add(merged[i] >= 0 ? tf.constant(Math.toIntExact(merged[i]))
              : tf.gather(dyn, tf.constant(i), tf.constant(0)));
        }
        target = tf.stack(parts);
      }
      result.add(tf.reshape(y, target));
    }
    return result;
  }
}
