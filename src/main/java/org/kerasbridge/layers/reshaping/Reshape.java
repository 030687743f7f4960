package org.kerasbridge.layers.reshaping;

import com.fasterxml.jackson.databind.JsonNode;
import org.kerasbridge.ShapeMismatchException;
import org.kerasbridge.layers.CallContext;
import org.kerasbridge.layers.LayerConfig;
import org.kerasbridge.layers.Shapes;
import org.kerasbridge.layers.SingleInputLayer;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * {@code Reshape}: {@code (batch, ...)} to {@code (batch, *target_shape)} in C order; one entry
 * of {@code target_shape} may be -1, inferred from the others. The element count per sample must
 * agree.
 */
public final class Reshape extends SingleInputLayer {
  private final long[] target;

  public Reshape(LayerConfig c) {
    super(c);
    long[] t = null;
    JsonNode n = c.node("target_shape");
    if (n == null || !n.isArray()) {
      c.unsupported("target_shape", n, "a list of dimensions");
    } else {
      t = new long[n.size()];
      int unknown = 0;
      for (int i = 0; i < t.length; i++) {
        JsonNode e = n.get(i);
        t[i] = e.isIntegralNumber() ? e.asLong() : 0;
        if (t[i] == -1) {
          unknown++;
        } else if (t[i] <= 0) {
          c.unsupported("target_shape", n, "positive dimensions and at most one -1");
          t = null;
          break;
        }
      }
      if (unknown > 1) {
        c.unsupported("target_shape", n, "at most one -1");
        t = null;
      }
    }
    target = t == null ? new long[] {-1} : t;
    c.finish();
  }

  @Override
  protected void build(Shape in) {
    long size = 1;
    for (int i = 1; i < in.numDimensions(); i++) {
      if (in.size(i) < 0) {
        return; // checked when run
      }
      size *= in.size(i);
    }
    long known = 1;
    boolean infer = false;
    for (long d : target) {
      if (d == -1) {
        infer = true;
      } else {
        known *= d;
      }
    }
    if (infer ? size % known != 0 : size != known) {
      throw new ShapeMismatchException(config.where() + ": cannot reshape an input of shape "
          + Shapes.keras(in) + " (" + size + " values per sample) to target_shape "
          + java.util.Arrays.toString(target));
    }
  }

  @Override
  protected Operand<TFloat32> call(Ops tf, Operand<TFloat32> x, CallContext ctx) {
    long[] t = target.clone();
    long size = 1;
    long known = 1;
    for (int i = 1; i < x.shape().numDimensions(); i++) {
      size = size < 0 || x.shape().size(i) < 0 ? -1 : size * x.shape().size(i);
    }
    int at = -1;
    for (int i = 0; i < t.length; i++) {
      if (t[i] == -1) {
        at = i;
      } else {
        known *= t[i];
      }
    }
    if (at >= 0 && size >= 0) {
      t[at] = size / known; // resolved statically, as Keras does, so the shape is known
    }
    return tf.reshape(x, Shapes.batchAnd(tf, x, t));
  }

  /**
   * Keras: {@code (batch, *target_shape)} with the -1 entry resolved from the input's size, or
   * None when a non-batch input dimension is None.
   */
  @Override
  protected Shape computeOutputShape(Shape in) {
    long size = 1;
    for (int i = 1; i < in.numDimensions(); i++) {
      size = Shapes.times(size, in.size(i));
    }
    long known = 1;
    for (long d : target) {
      known *= d == -1 ? 1 : d;
    }
    long[] out = new long[target.length + 1];
    out[0] = in.size(0);
    for (int i = 0; i < target.length; i++) {
      out[i + 1] = target[i] != -1 ? target[i] : size < 0 ? -1 : size / known;
    }
    return Shape.of(out);
  }

  /** Checked against Keras under float16 and mixed_float16 policies (see {@link org.kerasbridge.layers.DTypePolicy}). */
  @Override
  protected boolean supportsPolicy(org.kerasbridge.layers.DTypePolicy policy) {
    return true;
  }
}
