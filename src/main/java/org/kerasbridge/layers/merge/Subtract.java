package org.kerasbridge.layers.merge;

import java.util.List;
import org.kerasbridge.layers.LayerConfig;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;

/** {@code Subtract}: {@code x0 - x1}, exactly two inputs, elementwise with broadcasting. */
public final class Subtract extends Merge {
  public Subtract(LayerConfig c) {
    super(c);
    c.finish();
  }

  @Override
  protected void build(List<Shape> inputShapes) {
    super.build(inputShapes);
    requireTwoInputs(inputShapes);
  }

  @Override
  protected Operand<TFloat32> merge(Ops tf, List<Operand<TFloat32>> xs,
      List<Operand<TBool>> masks) {
    return tf.math.sub(xs.get(0), xs.get(1));
  }

  /** Checked against Keras under float16 and mixed_float16 policies (see {@link org.kerasbridge.layers.DTypePolicy}). */
  @Override
  protected boolean supportsPolicy(org.kerasbridge.layers.DTypePolicy policy) {
    return true;
  }
}
