package org.kerasbridge.layers.merge;

import org.kerasbridge.layers.Shapes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.kerasbridge.ShapeMismatchException;
import org.kerasbridge.layers.LayerConfig;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TType;

/**
 * {@code Concatenate(axis)}: joins inputs of equal rank along {@code axis} (negative counts from
 * the end; default -1); the other dimensions must agree. No rank expansion happens.
 *
 * <p>Mask (Keras 3's {@code Concatenate.compute_mask}), when any input has one: each input's mask
 * is made full-rank (an unmasked input counts as all true; a {@code (batch, ...)} mask is expanded
 * on its last axis and broadcast to the input), the masks are concatenated along {@code axis},
 * and the result is reduced with {@code any} over the last axis.
 */
public final class Concatenate extends Merge {
  private final int axis;

  public Concatenate(LayerConfig c) {
    super(c);
    axis = c.getInt("axis", -1);
    c.finish();
  }

  public int axis() {
    return axis;
  }

  @Override
  protected void build(List<Shape> shapes) {
    if (shapes.isEmpty()) {
      throw new ShapeMismatchException(config.where() + " must be called on a list of at least"
          + " one input");
    }
    int rank = -1;
    for (Shape s : shapes) {
      requireKnownRank(s);
      if (rank >= 0 && s.numDimensions() != rank) {
        throw new ShapeMismatchException(config.where() + " needs inputs of one rank, got "
            + describe(shapes));
      }
      rank = s.numDimensions();
    }
    int a = axis < 0 ? axis + rank : axis;
    if (a < 0 || a >= rank) {
      throw new ShapeMismatchException(config.where() + ": axis " + axis + " is out of range"
          + " for inputs of shapes " + describe(shapes));
    }
    for (int d = 0; d < rank; d++) {
      if (d == a) {
        continue;
      }
      Set<Long> sizes = new HashSet<>();
      for (Shape s : shapes) {
        if (s.size(d) >= 0) {
          sizes.add(s.size(d));
        }
      }
      if (sizes.size() > 1) {
        throw new ShapeMismatchException(config.where() + " requires inputs with matching shapes"
            + " except for the concatenation axis " + axis + ", got " + describe(shapes));
      }
    }
  }

  @Override
  protected Operand<TFloat32> merge(Ops tf, List<Operand<TFloat32>> xs,
      List<Operand<TBool>> masks) {
    return tf.concat(xs, tf.constant(axis));
  }

  @Override
  @SuppressWarnings("unchecked")
  public List<Operand<TBool>> computeMask(Ops tf, List<Operand<? extends TType>> inputs,
      List<Operand<TBool>> masks, int outputCount) {
    Operand<TBool> out = null;
    if (masks.stream().anyMatch(m -> m != null)) {
      List<Operand<TBool>> full = new ArrayList<>();
      for (int i = 0; i < inputs.size(); i++) {
        Operand<TFloat32> x = (Operand<TFloat32>) inputs.get(i);
        Operand<TBool> m = i < masks.size() ? masks.get(i) : null;
        int xr = x.shape().numDimensions();
        if (m == null) {
          full.add(tf.fill(tf.shape(x), tf.constant(true)));
        } else if (m.shape().numDimensions() < xr) {
          // Keras: logical_or(expand_dims(mask, -1), zeros_like(x, bool)), i.e. a broadcast
          Operand<TBool> e = tf.expandDims(m, tf.constant(-1));
          full.add(tf.math.logicalOr(e, tf.fill(tf.shape(x), tf.constant(false))));
        } else {
          full.add(m);
        }
      }
      out = tf.reduceAny(tf.concat(full, tf.constant(axis)), tf.constant(-1));
    }
    List<Operand<TBool>> result = new ArrayList<>();
    for (int i = 0; i < outputCount; i++) {
      result.add(out);
    }
    return result;
  }

  /** Keras: the first input's shape, with the sum of the sizes along {@code axis}. */
  @Override
  public List<Shape> computeOutputShape(List<Shape> shapes) {
    long[] out = shapes.get(0).asArray();
    int a = axis < 0 ? axis + out.length : axis;
    for (int i = 1; i < shapes.size(); i++) {
      out[a] = Shapes.plus(out[a], shapes.get(i).size(a));
    }
    return List.of(Shape.of(out));
  }

  /** Checked against Keras under float16 and mixed_float16 policies (see {@link org.kerasbridge.layers.DTypePolicy}). */
  @Override
  protected boolean supportsPolicy(org.kerasbridge.layers.DTypePolicy policy) {
    return true;
  }
}
