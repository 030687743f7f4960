package org.kerasbridge.layers.pooling;

import org.kerasbridge.layers.CallContext;
import org.kerasbridge.layers.LayerConfig;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Sum;
import org.tensorflow.op.math.Mean;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;

/**
 * {@code GlobalAveragePooling1D}: the mean over the steps. With a mask {@code (batch, steps)}
 * (Keras 3 supports masking here) it is the mean over unmasked steps only:
 *
 * <pre>  y[b, c] = sum_t(where(mask[b, t], x[b, t, c], 0)) / sum_t(mask[b, t])</pre>
 *
 * which is NaN for a row whose steps are all masked, as in Keras. The mask is not passed on.
 */
public final class GlobalAveragePooling1D extends BaseGlobalPooling {
  public GlobalAveragePooling1D(LayerConfig c) {
    super(c, 1);
  }

  @Override
  protected Operand<TFloat32> call(Ops tf, Operand<TFloat32> x, CallContext ctx) {
    Operand<TBool> mask = ctx.mask(0);
    if (mask == null) {
      // ops.mean: float16/bfloat16 averaged in float32 and cast back, as Keras does
      return org.kerasbridge.layers.DTypePolicy.mean(tf, x, spatialAxes(tf), keepdims);
    }
    // (batch, steps) -> (batch, steps, 1) or (batch, 1, steps), broadcast over the channels
    Operand<TBool> m = tf.expandDims(mask, tf.constant(dataFormat.channelsFirst() ? 1 : 2));
    Operand<TFloat32> kept = tf.select(m, x, tf.zerosLike(x));
    // ops.sum in the input's dtype (float16 under a half policy), as Keras sums the float mask
    Operand<TFloat32> count = tf.sum(org.kerasbridge.layers.DTypePolicy.cast(tf, m, x.type()),
        spatialAxes(tf),
        Sum.keepDims(keepdims));
    return tf.math.div(tf.sum(kept, spatialAxes(tf), Sum.keepDims(keepdims)), count);
  }
}
