package org.kerasbridge.layers.merge;

import java.util.List;
import java.util.function.BinaryOperator;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;

/**
 * Keras 3's {@code Merge._apply_merge_op_and_or_mask}, used by Maximum and Minimum, which have no
 * identity element. Folding left over the inputs with a running output and output mask:
 * <pre>
 *   if mask_i:            x_i = where(mask_i, x_i, out)
 *   if out_mask:          out = where(out_mask, out, x_i)
 *   out_mask = mask_i and out_mask present ? out_mask OR mask_i : none
 *   out = op(out, x_i)
 * </pre>
 * so a position masked in one operand takes the other operand's value.
 */
final class MaskedPairwise {
  /** Broadcasts a {@code (batch, ...)} mask to its input's shape. */
  interface MaskBroadcaster {
    Operand<TBool> apply(Ops tf, Operand<TBool> mask, Operand<TFloat32> x);
  }

  private MaskedPairwise() {}

  static Operand<TFloat32> apply(Ops tf, List<Operand<TFloat32>> xs, List<Operand<TBool>> masks,
      MaskBroadcaster broadcaster, BinaryOperator<Operand<TFloat32>> op) {
    Operand<TFloat32> out = null;
    Operand<TBool> outMask = null;
    for (int i = 0; i < xs.size(); i++) {
      Operand<TFloat32> x = xs.get(i);
      Operand<TBool> m = masks.get(i) == null ? null : broadcaster.apply(tf, masks.get(i), x);
      if (out == null) {
        out = x;
        outMask = m;
        continue;
      }
      if (m != null) {
        x = tf.select(m, x, out);
      }
      if (outMask != null) {
        out = tf.select(outMask, out, x);
      }
      outMask = m != null && outMask != null ? tf.math.logicalOr(outMask, m) : null;
      out = op.apply(out, x);
    }
    return out;
  }
}
