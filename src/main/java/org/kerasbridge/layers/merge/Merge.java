package org.kerasbridge.layers.merge;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.kerasbridge.KerasBridgeException;
import org.kerasbridge.ShapeMismatchException;
import org.kerasbridge.layers.CallContext;
import org.kerasbridge.layers.Layer;
import org.kerasbridge.layers.LayerConfig;
import org.kerasbridge.layers.Shapes;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TType;

/**
 * Base of the elementwise merge layers, as Keras 3's {@code base_merge.py Merge}: inputs of shapes
 * {@code (batch, ...)} that broadcast against each other (right-aligned, a dimension of 1
 * broadcasts). When the inputs have different ranks, each lower-rank input is expanded at axis 1
 * until all ranks agree, exactly as Keras does before merging.
 *
 * <p>Masks: the output mask is the logical OR of the input masks when every input has one, and
 * no mask otherwise (Keras 3's {@code Merge.compute_mask}). The masks reach {@link #merge} only
 * when no rank expansion happened, because Keras reads them from the tensors it merges and the
 * expanded tensors carry none.
 */
public abstract class Merge extends Layer {
  private boolean reshapeRequired;

  protected Merge(LayerConfig config) {
    super(config);
  }

  /**
   * Merges the inputs, all float32 and of equal rank.
   *
   * @param masks one entry per input, each null or a boolean {@code (batch, ...)} mask of rank one
   *     less than its input (Keras's {@code _keras_mask} on the merged tensors)
   */
  protected abstract Operand<TFloat32> merge(Ops tf, List<Operand<TFloat32>> inputs,
      List<Operand<TBool>> masks);

  @Override
  protected void build(List<Shape> inputShapes) {
    checkElementwiseShapes(inputShapes);
    Set<Integer> ranks = new HashSet<>();
    for (Shape s : inputShapes) {
      ranks.add(s.numDimensions());
    }
    reshapeRequired = ranks.size() != 1;
  }

  /** For the merges of exactly two inputs (Subtract, Dot, CustomScaleLayer). */
  protected final void requireTwoInputs(List<Shape> shapes) {
    if (shapes.size() != 2) {
      throw new KerasBridgeException(config.where() + " must be called on exactly 2 inputs, got "
          + shapes.size());
    }
  }

  /** Keras's {@code Merge.build}: one batch size, and shapes that broadcast elementwise. */
  protected final long[] checkElementwiseShapes(List<Shape> shapes) {
    if (shapes.isEmpty()) {
      throw new KerasBridgeException(config.where() + " must be called on a list of at least"
          + " one input");
    }
    Set<Long> batches = new HashSet<>();
    for (Shape s : shapes) {
      requireKnownRank(s);
      if (s.numDimensions() > 0 && s.size(0) >= 0) {
        batches.add(s.size(0));
      }
    }
    if (batches.size() > 1) {
      throw new ShapeMismatchException(config.where() + ": cannot merge tensors with different"
          + " batch sizes: " + describe(shapes));
    }
    long[] out = tail(shapes.get(0));
    for (int i = 1; i < shapes.size(); i++) {
      out = broadcast(out, tail(shapes.get(i)), shapes);
    }
    long[] full = new long[out.length + 1];
    full[0] = batches.size() == 1 ? batches.iterator().next() : -1;
    System.arraycopy(out, 0, full, 1, out.length);
    return full;
  }

  /**
   * Keras's {@code Merge.compute_output_shape}: the inputs' non-batch shapes broadcast (None
   * where either is None), after the one known batch size.
   */
  @Override
  public List<Shape> computeOutputShape(List<Shape> inputShapes) {
    return List.of(Shape.of(checkElementwiseShapes(inputShapes)));
  }

  private long[] broadcast(long[] a, long[] b, List<Shape> all) {
    if (a.length < b.length) {
      return broadcast(b, a, all);
    }
    long[] out = a.clone();
    int off = a.length - b.length;
    for (int k = 0; k < b.length; k++) {
      long i = a[off + k];
      long j = b[k];
      if (i < 0 || j < 0) {
        out[off + k] = -1;
      } else if (i == 1) {
        out[off + k] = j;
      } else if (j != 1 && i != j) {
        throw new ShapeMismatchException(config.where() + ": inputs have incompatible shapes "
            + describe(all));
      }
    }
    return out;
  }

  private static long[] tail(Shape s) {
    long[] out = new long[Math.max(0, s.numDimensions() - 1)];
    for (int i = 0; i < out.length; i++) {
      out[i] = s.size(i + 1);
    }
    return out;
  }

  protected final void requireKnownRank(Shape s) {
    if (s.isUnknown()) {
      throw new KerasBridgeException(config.where() + ": inputs of unknown rank are not"
          + " supported");
    }
  }

  protected static String describe(List<Shape> shapes) {
    List<String> out = new ArrayList<>();
    for (Shape s : shapes) {
      out.add(Shapes.keras(s));
    }
    return out.toString();
  }

  @Override
  @SuppressWarnings("unchecked")
  protected final List<Operand<TFloat32>> call(Ops tf, List<Operand<? extends TType>> inputs,
      CallContext ctx) {
    List<Operand<TFloat32>> xs = new ArrayList<>();
    List<Operand<TBool>> masks = new ArrayList<>();
    int maxRank = 0;
    for (Operand<? extends TType> x : inputs) {
      maxRank = Math.max(maxRank, x.shape().numDimensions());
    }
    for (int i = 0; i < inputs.size(); i++) {
      Operand<TFloat32> x = (Operand<TFloat32>) inputs.get(i);
      if (reshapeRequired) {
        for (int r = x.shape().numDimensions(); r < maxRank; r++) {
          x = tf.expandDims(x, tf.constant(1));
        }
        masks.add(null);
      } else {
        masks.add(ctx.mask(i));
      }
      xs.add(x);
    }
    return List.of(merge(tf, xs, masks));
  }

  @Override
  protected boolean supportsMasking() {
    return true;
  }

  /** The OR of the input masks when all inputs have one, else none. */
  @Override
  public List<Operand<TBool>> computeMask(Ops tf, List<Operand<? extends TType>> inputs,
      List<Operand<TBool>> masks, int outputCount) {
    Operand<TBool> out = null;
    if (!masks.isEmpty() && masks.stream().allMatch(m -> m != null)) {
      out = masks.get(0);
      for (int i = 1; i < masks.size(); i++) {
        out = tf.math.logicalOr(out, masks.get(i));
      }
    }
    List<Operand<TBool>> result = new ArrayList<>();
    for (int i = 0; i < outputCount; i++) {
      result.add(out);
    }
    return result;
  }

  /**
   * A mask {@code (batch, ...)} expanded on its last axis and broadcast to {@code x}'s shape, as
   * Keras's {@code broadcast_to(expand_dims(mask, -1), shape(x))}.
   */
  protected final Operand<TBool> broadcastMask(Ops tf, Operand<TBool> mask, Operand<TFloat32> x) {
    if (mask.shape().numDimensions() + 1 != x.shape().numDimensions()) {
      throw new ShapeMismatchException(config.where() + ": a mask of shape "
          + Shapes.keras(mask.shape()) + " cannot be broadcast to its input of shape "
          + Shapes.keras(x.shape()) + " (Keras expects the mask to have one dimension less)");
    }
    return tf.broadcastTo(tf.expandDims(mask, tf.constant(-1)), tf.shape(x));
  }
}
