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
 * {@code Permute}: output axis {@code i} (1-based, the batch axis stays first) is input axis
 * {@code dims[i - 1]}; {@code dims} is a permutation of {@code 1..n} for inputs of rank
 * {@code n + 1}.
 */
public final class Permute extends SingleInputLayer {
  private final int[] dims;

  public Permute(LayerConfig c) {
    super(c);
    JsonNode n = c.node("dims");
    int[] d = null;
    if (n != null && n.isArray()) {
      d = new int[n.size()];
      boolean[] seen = new boolean[d.length + 1];
      for (int i = 0; i < d.length; i++) {
        d[i] = n.get(i).asInt(0);
        if (!n.get(i).isIntegralNumber() || d[i] < 1 || d[i] > d.length || seen[d[i]]) {
          d = null;
          break;
        }
        seen[d[i]] = true;
      }
    }
    if (d == null) {
      c.unsupported("dims", n, "a permutation of 1..n");
      d = new int[] {1};
    }
    dims = d;
    c.finish();
  }

  @Override
  protected void build(Shape in) {
    if (in.numDimensions() != dims.length + 1) {
      throw new ShapeMismatchException(config.where() + ": dims " + java.util.Arrays.toString(
          dims) + " need inputs of rank " + (dims.length + 1) + ", got " + Shapes.keras(in));
    }
  }

  @Override
  protected Operand<TFloat32> call(Ops tf, Operand<TFloat32> x, CallContext ctx) {
    int[] perm = new int[dims.length + 1];
    System.arraycopy(dims, 0, perm, 1, dims.length);
    return tf.linalg.transpose(x, tf.constant(perm));
  }

  /** Keras: the batch dimension, then the input's dimensions in {@code dims} order. */
  @Override
  protected Shape computeOutputShape(Shape in) {
    long[] out = new long[dims.length + 1];
    out[0] = in.size(0);
    for (int i = 0; i < dims.length; i++) {
      out[i + 1] = in.size(dims[i]);
    }
    return Shape.of(out);
  }
}
