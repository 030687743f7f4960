package org.kerasbridge.layers.merge;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.kerasbridge.ShapeMismatchException;
import org.kerasbridge.layers.LayerConfig;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TType;

/**
 * {@code Dot(axes, normalize)}: the batchwise dot product of two inputs {@code x (batch, ...)}
 * and {@code y (batch, ...)} over {@code x}'s axis {@code axes[0]} and {@code y}'s axis
 * {@code axes[1]} (an int means the same axis for both; negative counts from the end; axis 0, the
 * batch, is not allowed). The output shape is {@code x}'s shape without the summed axis followed
 * by {@code y}'s without its batch and summed axes; a result of rank 1 becomes {@code (batch, 1)}.
 *
 * <p>With {@code normalize=true} each input is first L2-normalized along its summed axis as
 * Keras 3's {@code ops.normalize} does: {@code x * min(rsqrt(sum(x^2)), 1 / 1e-7)}, so the output
 * is the cosine similarity.
 *
 * <p>The product follows Keras's {@code batch_dot}: rank-2 inputs are expanded to rank 3, the
 * summed axis is moved last in {@code x} and to position 1 in {@code y}, ranks above 3 are
 * flattened, one batched matmul runs, and the result is reshaped back. The output has no mask.
 */
public final class Dot extends Merge {
  /** Keras's {@code backend.epsilon()}, the floor of the norm in {@code ops.normalize}. */
  private static final double EPSILON = 1e-7;
  private final int[] axes;
  private final boolean normalize;

  public Dot(LayerConfig c) {
    super(c);
    JsonNode a = c.node("axes");
    int[] ax = {-1, -1};
    if (a == null) {
      c.unsupported("argument 'axes' is missing");
    } else if (a.isIntegralNumber()) {
      ax = new int[] {a.asInt(), a.asInt()};
    } else if (a.isArray() && a.size() == 2 && a.get(0).isIntegralNumber()
        && a.get(1).isIntegralNumber()) {
      ax = new int[] {a.get(0).asInt(), a.get(1).asInt()};
    } else {
      c.unsupported("axes", a, "a whole number or a list of two whole numbers");
    }
    axes = ax;
    normalize = c.getBoolean("normalize", false);
    c.finish();
  }

  @Override
  protected void build(List<Shape> shapes) {
    requireTwoInputs(shapes);
    Shape s1 = shapes.get(0);
    Shape s2 = shapes.get(1);
    requireKnownRank(s1);
    requireKnownRank(s2);
    if (s1.numDimensions() < 2 || s2.numDimensions() < 2) {
      throw new ShapeMismatchException(config.where() + " needs inputs of rank >= 2, got "
          + describe(shapes));
    }
    int[] a = resolve(s1.numDimensions(), s2.numDimensions());
    if (a[0] <= 0 || a[1] <= 0 || a[0] >= s1.numDimensions() || a[1] >= s2.numDimensions()) {
      throw new ShapeMismatchException(config.where() + ": axes " + axes[0] + ", " + axes[1]
          + " are out of range or the batch axis for inputs " + describe(shapes));
    }
    long d1 = s1.size(a[0]);
    long d2 = s2.size(a[1]);
    if (d1 >= 0 && d2 >= 0 && d1 != d2) {
      throw new ShapeMismatchException(config.where() + ": incompatible input shapes: axis"
          + " values " + d1 + " (at axis " + a[0] + ") != " + d2 + " (at axis " + a[1]
          + "); inputs " + describe(shapes));
    }
  }

  private int[] resolve(int rank1, int rank2) {
    return new int[] {axes[0] < 0 ? axes[0] + rank1 : axes[0],
        axes[1] < 0 ? axes[1] + rank2 : axes[1]};
  }

  @Override
  protected Operand<TFloat32> merge(Ops tf, List<Operand<TFloat32>> xs,
      List<Operand<TBool>> masks) {
    Operand<TFloat32> x = xs.get(0);
    Operand<TFloat32> y = xs.get(1);
    int[] a = resolve(x.shape().numDimensions(), y.shape().numDimensions());
    if (normalize) {
      x = l2Normalize(tf, x, a[0]);
      y = l2Normalize(tf, y, a[1]);
    }
    return batchDot(tf, x, y, a[0], a[1]);
  }

  /** Keras 3 {@code ops.normalize(x, axis, order=2)}: {@code x * min(rsqrt(sum(x^2)), 1e7)}. */
  static Operand<TFloat32> l2Normalize(Ops tf, Operand<TFloat32> x, int axis) {
    Operand<TFloat32> squareSum = tf.reduceSum(tf.math.square(x), tf.constant(axis),
        org.tensorflow.op.core.ReduceSum.keepDims(true));
    Operand<TFloat32> inv = tf.math.minimum(tf.math.rsqrt(squareSum),
        tf.constant((float) (1.0 / EPSILON)));
    return tf.math.mul(x, inv);
  }

  /** Keras 3's {@code batch_dot(x, y, axes=(a0, a1))} with both axes already non-negative. */
  static Operand<TFloat32> batchDot(Ops tf, Operand<TFloat32> x, Operand<TFloat32> y, int a0,
      int a1) {
    Shape xShape = x.shape();
    Shape yShape = y.shape();
    int a0In = a0;
    int a1In = a1;
    int origXRank = x.shape().numDimensions();
    int origYRank = y.shape().numDimensions();
    int xr = origXRank;
    int yr = origYRank;
    if (xr == 2) {
      x = tf.expandDims(x, tf.constant(1));
      a0 += 1;
      xr += 1;
    }
    if (yr == 2) {
      y = tf.expandDims(y, tf.constant(2));
      yr += 1;
    }
    if (a0 != xr - 1) {
      int[] pattern = range(xr);
      for (int i = a0; i < xr - 1; i++) {
        pattern[i] = pattern[i + 1];
      }
      pattern[xr - 1] = a0;
      x = tf.linalg.transpose(x, tf.constant(pattern));
    }
    if (a1 != 1) {
      int[] pattern = range(yr);
      for (int i = a1; i > 1; i--) {
        pattern[i] = pattern[i - 1];
      }
      pattern[1] = a1;
      y = tf.linalg.transpose(y, tf.constant(pattern));
    }
    Operand<TInt32> xMid = null;
    if (xr > 3) {
      Operand<TInt32> xs = tf.shape(x);
      xMid = slice(tf, xs, 1, xr - 2);
      x = tf.reshape(x, tf.concat(List.of(slice(tf, xs, 0, 1), tf.constant(new int[] {-1}),
          slice(tf, xs, xr - 1, 1)), tf.constant(0)));
    }
    Operand<TInt32> yTrail = null;
    if (yr > 3) {
      Operand<TInt32> ys = tf.shape(y);
      yTrail = slice(tf, ys, 2, yr - 2);
      y = tf.reshape(y, tf.concat(List.of(slice(tf, ys, 0, 2), tf.constant(new int[] {-1})),
          tf.constant(0)));
    }
    Operand<TFloat32> result = tf.train.batchMatMul(x, y, TFloat32.class);
    if (xMid != null || yTrail != null) {
      Operand<TInt32> rs = tf.shape(result);
      List<Operand<TInt32>> parts = new ArrayList<>();
      parts.add(slice(tf, rs, 0, 1));
      parts.add(xMid != null ? xMid : slice(tf, rs, 1, 1));
      parts.add(yTrail != null ? yTrail : slice(tf, rs, 2, 1));
      result = tf.reshape(result, tf.concat(parts, tf.constant(0)));
    }
    if (origXRank == 2) {
      result = tf.squeeze(result, org.tensorflow.op.core.Squeeze.axis(1L));
    } else if (origYRank == 2) {
      result = tf.squeeze(result, org.tensorflow.op.core.Squeeze.axis(-1L));
    }
    if (xMid != null || yTrail != null) {
      // the reshape's target is computed at run time; restore the static shape for later layers
      result = tf.ensureShape(result, staticOutputShape(xShape, yShape, a0In, a1In));
    }
    return result;
  }

  /** Keras's {@code Dot.compute_output_shape} without the rank-1 padding (batch_dot's shape). */
  private static Shape staticOutputShape(Shape x, Shape y, int a0, int a1) {
    List<Long> dims = new ArrayList<>();
    for (int i = 0; i < x.numDimensions(); i++) {
      if (i != a0) {
        dims.add(x.size(i));
      }
    }
    for (int i = 1; i < y.numDimensions(); i++) {
      if (i != a1) {
        dims.add(y.size(i));
      }
    }
    return Shape.of(dims.stream().mapToLong(Long::longValue).toArray());
  }

  private static Operand<TInt32> slice(Ops tf, Operand<TInt32> shape, int begin, int size) {
    return tf.slice(shape, tf.constant(new int[] {begin}), tf.constant(new int[] {size}));
  }

  private static int[] range(int n) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    return p;
  }

  @Override
  public List<Operand<TBool>> computeMask(Ops tf, List<Operand<? extends TType>> inputs,
      List<Operand<TBool>> masks, int outputCount) {
    List<Operand<TBool>> out = new ArrayList<>();
    for (int i = 0; i < outputCount; i++) {
      out.add(null);
    }
    return out;
  }

  /**
   * Keras: {@code x}'s shape without its summed axis, then {@code y}'s without its batch and
   * summed axes; {@code (batch, 1)} when that leaves one dimension.
   */
  @Override
  public List<Shape> computeOutputShape(List<Shape> shapes) {
    long[] s1 = shapes.get(0).asArray();
    long[] s2 = shapes.get(1).asArray();
    int[] a = resolve(s1.length, s2.length);
    List<Long> out = new java.util.ArrayList<>();
    for (int i = 0; i < s1.length; i++) {
      if (i != a[0]) {
        out.add(s1[i]);
      }
    }
    for (int i = 1; i < s2.length; i++) {
      if (i != a[1]) {
        out.add(s2[i]);
      }
    }
    if (out.size() == 1) {
      out.add(1L);
    }
    return List.of(Shape.of(out.stream().mapToLong(Long::longValue).toArray()));
  }
}
