package org.kerasbridge.layers.merge;

import java.util.List;
import org.kerasbridge.layers.LayerConfig;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;

/** {@code Add}: {@code ((x0 + x1) + x2) + ...}, elementwise with broadcasting. */
public final class Add extends Merge {
  public Add(LayerConfig c) {
    super(c);
    c.finish();
  }

  @Override
  protected Operand<TFloat32> merge(Ops tf, List<Operand<TFloat32>> xs,
      List<Operand<TBool>> masks) {
    Operand<TFloat32> out = xs.get(0);
    for (int i = 1; i < xs.size(); i++) {
      out = tf.math.add(out, xs.get(i));
    }
    return out;
  }

  /** Checked against Keras under float16 and mixed_float16 policies (see {@link org.kerasbridge.layers.DTypePolicy}). */
  @Override
  protected boolean supportsPolicy(org.kerasbridge.layers.DTypePolicy policy) {
    return true;
  }
}
