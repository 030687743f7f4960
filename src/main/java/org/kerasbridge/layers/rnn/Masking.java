package org.kerasbridge.layers.rnn;

import java.util.ArrayList;
import java.util.List;
import org.kerasbridge.layers.CallContext;
import org.kerasbridge.layers.LayerConfig;
import org.kerasbridge.layers.SingleInputLayer;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Any;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TType;

/**
 * {@code Masking}: a timestep whose features all equal {@code mask_value} is masked. Input and
 * output {@code (batch, timesteps, ...)}; the output mask is {@code any(x != mask_value, axis=-1)}
 * {@code (batch, timesteps)}, and masked positions of the output are set to 0, as Keras does.
 */
public final class Masking extends SingleInputLayer {
  private final float maskValue;

  public Masking(LayerConfig c) {
    super(c);
    maskValue = (float) c.getDouble("mask_value", 0.0);
    c.finish();
  }

  @Override
  protected Operand<TFloat32> call(Ops tf, Operand<TFloat32> x, CallContext ctx) {
    Operand<TBool> keep = tf.any(tf.math.notEqual(x, tf.constant(maskValue)), tf.constant(-1),
        Any.keepDims(true));
    return tf.select(keep, x, tf.zerosLike(x));
  }

  @Override
  @SuppressWarnings("unchecked")
  public List<Operand<TBool>> computeMask(Ops tf, List<Operand<? extends TType>> inputs,
      List<Operand<TBool>> masks, int outputCount) {
    Operand<? extends TType> in = inputs.get(0);
    Operand<TFloat32> x = in.type() == TFloat32.class ? (Operand<TFloat32>) in
        : tf.dtypes.cast(in, TFloat32.class);
    List<Operand<TBool>> out = new ArrayList<>();
    out.add(tf.any(tf.math.notEqual(x, tf.constant(maskValue)), tf.constant(-1)));
    return out;
  }

  /** Element-wise: the output has the input's shape. */
  @Override
  protected Shape computeOutputShape(Shape in) {
    return in;
  }
}
