package org.kerasbridge.layers.merge;

import java.util.List;
import org.kerasbridge.layers.LayerConfig;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;

/**
 * {@code Multiply}: {@code ((x0 * x1) * x2) * ...}, elementwise with broadcasting.
 *
 * <p>With masks (Keras 3's {@code Multiply._merge_function}): each input's masked positions
 * count as 1 in the product; when every input has a mask, positions masked in all inputs give 0.
 * Masks of shape {@code (batch, ...)} apply to every feature of their input's last axis.
 */
public final class Multiply extends Merge {
  public Multiply(LayerConfig c) {
    super(c);
    c.finish();
  }

  @Override
  protected Operand<TFloat32> merge(Ops tf, List<Operand<TFloat32>> xs,
      List<Operand<TBool>> masks) {
    boolean allMasked = masks.stream().allMatch(m -> m != null);
    Operand<TFloat32> out = null;
    Operand<TBool> outMask = null;
    for (int i = 0; i < xs.size(); i++) {
      Operand<TFloat32> x = xs.get(i);
      Operand<TBool> m = masks.get(i);
      if (m != null) {
        Operand<TBool> mb = broadcastMask(tf, m, x);
        x = tf.select(mb, x, tf.constant(1f));
        if (allMasked) {
          outMask = outMask == null ? mb : tf.math.logicalOr(outMask, mb);
        }
      }
      out = out == null ? x : tf.math.mul(out, x);
    }
    if (allMasked && outMask != null) {
      out = tf.select(outMask, out, tf.constant(0f));
    }
    return out;
  }
}
