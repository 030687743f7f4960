package org.kerasbridge.layers.merge;

import java.util.List;
import org.kerasbridge.layers.LayerConfig;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;

/**
 * {@code Maximum}: the elementwise maximum of the inputs, with broadcasting. With masks, a
 * masked position takes the other operand's value (see {@link MaskedPairwise}).
 */
public final class Maximum extends Merge {
  public Maximum(LayerConfig c) {
    super(c);
    c.finish();
  }

  @Override
  protected Operand<TFloat32> merge(Ops tf, List<Operand<TFloat32>> xs,
      List<Operand<TBool>> masks) {
    return MaskedPairwise.apply(tf, xs, masks, this::broadcastMask, tf.math::maximum);
  }

  /** Checked against Keras under float16 and mixed_float16 policies (see {@link org.kerasbridge.layers.DTypePolicy}). */
  @Override
  protected boolean supportsPolicy(org.kerasbridge.layers.DTypePolicy policy) {
    return true;
  }
}
