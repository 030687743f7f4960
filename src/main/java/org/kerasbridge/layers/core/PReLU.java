package org.kerasbridge.layers.core;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.kerasbridge.KerasBridgeException;
import org.kerasbridge.layers.CallContext;
import org.kerasbridge.layers.LayerConfig;
import org.kerasbridge.layers.Shapes;
import org.kerasbridge.layers.SingleInputLayer;
import org.kerasbridge.layers.Weight;
import org.kerasbridge.regularizers.Regularizer;
import org.kerasbridge.regularizers.Regularizers;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * {@code PReLU(shared_axes)}: {@code relu(x) + (-alpha) * relu(-x)} (Keras 3's op order), i.e.
 * {@code x} for {@code x >= 0} and {@code alpha * x} otherwise, with a learned {@code alpha}.
 *
 * <p>For an input {@code (batch, d1, ..., dn)} the weight {@code alpha} has shape
 * {@code (d1, ..., dn)} with a 1 at each axis listed in {@code shared_axes} (axis numbers count
 * the batch as 0, as in Keras; an int is a one-element list). Masks pass through.
 */
public final class PReLU extends SingleInputLayer {
  private final JsonNode alphaInitializer;
  private final Regularizer alphaRegularizer;
  private final List<Integer> sharedAxes = new ArrayList<>();
  private Weight alpha;

  public PReLU(LayerConfig c) {
    super(c);
    alphaInitializer = c.node("alpha_initializer");
    alphaRegularizer = Regularizers.fromConfig(c, "alpha_regularizer");
    // Constraints act only after optimizer steps; the training loop reads them from the config.
    c.ignore("alpha_constraint");
    JsonNode s = c.node("shared_axes");
    if (s != null) {
      if (s.isIntegralNumber()) {
        sharedAxes.add(s.asInt());
      } else if (s.isArray()) {
        for (JsonNode a : s) {
          if (!a.isIntegralNumber()) {
            c.unsupported("shared_axes", s, "null, a whole number or a list of whole numbers");
            sharedAxes.clear();
            break;
          }
          sharedAxes.add(a.asInt());
        }
      } else {
        c.unsupported("shared_axes", s, "null, a whole number or a list of whole numbers");
      }
    }
    c.finish();
  }

  @Override
  protected void build(Shape in) {
    int n = in.numDimensions() - 1;
    if (n < 0) {
      throw new KerasBridgeException(config.where() + ": inputs of unknown rank are not"
          + " supported");
    }
    long[] shape = new long[n];
    for (int i = 0; i < n; i++) {
      shape[i] = in.size(i + 1);
    }
    for (int axis : sharedAxes) {
      // Keras: param_shape[axis - 1] = 1, with Python's negative indexing
      int k = axis - 1 < 0 ? axis - 1 + n : axis - 1;
      if (k < 0 || k >= n) {
        throw new KerasBridgeException(config.where() + ": shared axis " + axis
            + " is out of range for input shape " + Shapes.keras(in));
      }
      shape[k] = 1;
    }
    for (long d : shape) {
      if (d < 0) {
        throw new KerasBridgeException(config.where() + ": alpha needs every non-batch"
            + " dimension known (or shared), input shape is " + Shapes.keras(in));
      }
    }
    alpha = addWeight("alpha", shape, true, alphaInitializer);
  }

  @Override
  protected Operand<TFloat32> call(Ops tf, Operand<TFloat32> x, CallContext ctx) {
    Operand<TFloat32> pos = tf.nn.relu(x);
    Operand<TFloat32> neg = tf.math.mul(tf.math.neg(alpha.value()), tf.nn.relu(tf.math.neg(x)));
    return tf.math.add(pos, neg);
  }

  @Override
  protected boolean supportsMasking() {
    return true;
  }

  @Override
  public List<RegularizedWeight> regularizedWeights() {
    return alphaRegularizer == null || alpha == null ? List.of()
        : List.of(new RegularizedWeight(alpha, alphaRegularizer));
  }

  /** Element-wise: the output has the input's shape. */
  @Override
  protected Shape computeOutputShape(Shape in) {
    return in;
  }
}
