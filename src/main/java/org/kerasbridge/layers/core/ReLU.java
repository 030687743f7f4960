package org.kerasbridge.layers.core;

import org.kerasbridge.activations.Activations;
import org.kerasbridge.layers.CallContext;
import org.kerasbridge.layers.LayerConfig;
import org.kerasbridge.layers.SingleInputLayer;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * {@code ReLU(max_value, negative_slope, threshold)}, elementwise on any shape:
 * <pre>
 *   f(x) = max_value                          if x >= max_value
 *   f(x) = x                                  if threshold &lt; x &lt; max_value
 *   f(x) = negative_slope * (x - threshold)   otherwise
 * </pre>
 * computed with Keras 3's exact op sequence ({@link Activations#relu}). Keras rejects a negative
 * {@code max_value}, and a null or negative {@code negative_slope} or {@code threshold}; so does
 * this layer. Masks pass through.
 */
public final class ReLU extends SingleInputLayer {
  private final Double maxValue;
  private final double negativeSlope;
  private final double threshold;

  public ReLU(LayerConfig c) {
    super(c);
    maxValue = c.getNullableDouble("max_value");
    if (maxValue != null && maxValue < 0) {
      c.unsupported("max_value", c.raw().get("max_value"), "null or a number >= 0");
    }
    negativeSlope = nonNegative(c, "negative_slope");
    threshold = nonNegative(c, "threshold");
    c.finish();
  }

  private static double nonNegative(LayerConfig c, String key) {
    if (c.raw().has(key) && c.raw().get(key).isNull()) {
      c.unsupported(key, c.raw().get(key), "a number >= 0");
    }
    double v = c.getDouble(key, 0.0);
    if (v < 0) {
      c.unsupported(key, c.raw().get(key), "a number >= 0");
      return 0.0;
    }
    return v;
  }

  @Override
  protected Operand<TFloat32> call(Ops tf, Operand<TFloat32> x, CallContext ctx) {
    return Activations.relu(tf, x, negativeSlope, maxValue, threshold);
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

  /** Checked against Keras under float16 and mixed_float16 policies (see {@link org.kerasbridge.layers.DTypePolicy}). */
  @Override
  protected boolean supportsPolicy(org.kerasbridge.layers.DTypePolicy policy) {
    return true;
  }
}
