package org.kerasbridge.layers.reshaping;

import org.kerasbridge.ShapeMismatchException;
import org.kerasbridge.layers.CallContext;
import org.kerasbridge.layers.LayerConfig;
import org.kerasbridge.layers.Shapes;
import org.kerasbridge.layers.SingleInputLayer;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** {@code RepeatVector}: {@code (batch, features)} to {@code (batch, n, features)}, n copies. */
public final class RepeatVector extends SingleInputLayer {
  private final int n;

  public RepeatVector(LayerConfig c) {
    super(c);
    int v = c.requirePositiveInt("n");
    if (v <= 0) {
      c.unsupported("n", c.raw().get("n"), "a positive whole number");
      v = 1;
    }
    n = v;
    c.finish();
  }

  @Override
  protected void build(Shape in) {
    if (in.numDimensions() != 2) {
      throw new ShapeMismatchException(config.where() + " expects inputs of rank 2 (batch,"
          + " features), got " + Shapes.keras(in));
    }
  }

  @Override
  protected Operand<TFloat32> call(Ops tf, Operand<TFloat32> x, CallContext ctx) {
    return Repeat.along(tf, tf.expandDims(x, tf.constant(1)), 1, n);
  }

  /** Keras: {@code (batch, n, features)}. */
  @Override
  protected Shape computeOutputShape(Shape in) {
    return Shape.of(in.size(0), n, in.size(1));
  }
}
