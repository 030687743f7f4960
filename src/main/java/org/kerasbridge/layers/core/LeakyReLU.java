package org.kerasbridge.layers.core;

import org.kerasbridge.layers.CallContext;
import org.kerasbridge.layers.LayerConfig;
import org.kerasbridge.layers.SingleInputLayer;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.nn.LeakyRelu;
import org.tensorflow.types.TFloat32;

/**
 * {@code LeakyReLU(negative_slope)}: {@code x} for {@code x >= 0}, {@code negative_slope * x}
 * otherwise ({@code tf.nn.leaky_relu}). Keras 3's default slope is 0.3. Keras 1/2 files name the
 * slope {@code alpha}; as in Keras 3, {@code alpha} wins when both are present. Masks pass through.
 */
public final class LeakyReLU extends SingleInputLayer {
  private final double negativeSlope;

  public LeakyReLU(LayerConfig c) {
    super(c);
    String key = c.raw().has("alpha") ? "alpha" : "negative_slope";
    double slope = c.getDouble("negative_slope", 0.3);
    if (key.equals("alpha")) {
      slope = c.getDouble("alpha", 0.3);
    }
    if (slope < 0 || c.raw().has(key) && c.raw().get(key).isNull()) {
      c.unsupported(key, c.raw().get(key), "a number >= 0");
      slope = 0.3;
    }
    negativeSlope = slope;
    c.finish();
  }

  public double negativeSlope() {
    return negativeSlope;
  }

  @Override
  protected Operand<TFloat32> call(Ops tf, Operand<TFloat32> x, CallContext ctx) {
    return tf.nn.leakyRelu(x, LeakyRelu.alpha((float) negativeSlope));
  }

  @Override
  protected boolean supportsMasking() {
    return true;
  }

  /** Element-wise: the output has the input's shape. */
  @Override
  protected Shape computeOutputShape(Shape in) {
    return in;
  }
}
