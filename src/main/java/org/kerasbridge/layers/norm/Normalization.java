package org.kerasbridge.layers.norm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.kerasbridge.KerasBridgeException;
import org.kerasbridge.ShapeMismatchException;
import org.kerasbridge.layers.CallContext;
import org.kerasbridge.layers.ConfigArray;
import org.kerasbridge.layers.LayerConfig;
import org.kerasbridge.layers.Shapes;
import org.kerasbridge.layers.SingleInputLayer;
import org.kerasbridge.layers.Weight;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The preprocessing layer {@code Normalization(axis=-1, mean=None, variance=None, invert=False)}
 * with adapted state: non-trainable weights {@code mean}, {@code variance} (shape: the input's
 * sizes along the kept axes) and {@code count} (a scalar, the number of samples adapted on; not
 * used by the forward pass), as Keras 3.15 builds them. Forward pass, op for op as Keras:
 * <pre>
 *   y = (x - mean) / maximum(sqrt(variance), 1e-7)          (invert=False)
 *   y = mean + x * maximum(sqrt(variance), 1e-7)            (invert=True)
 * </pre>
 * with mean and variance reshaped to broadcast along the kept axes. The mask passes through.
 *
 * <p>{@code mean}/{@code variance} may instead be given in the config (numbers, lists or numpy
 * arrays, as EfficientNetV2 and ConvNeXt do): the layer then has no weights, and Keras maps their
 * dimensions right to left onto the kept axes and broadcasts them. Refused: {@code axis=None}.
 */
public final class Normalization extends SingleInputLayer {
  private static final float EPSILON = 1e-7f;
  private final int[] axes;
  private final boolean invert;
  /** mean and variance given in the config (the layer then has no weights), or null. */
  private final ConfigArray inputMean;
  private final ConfigArray inputVariance;
  private Weight mean;
  private Weight variance;
  private int[] broadcastShape;
  private ConfigArray givenMean;
  private ConfigArray givenVariance;

  public Normalization(LayerConfig c) {
    super(c);
    JsonNode a = c.node("axis");
    if (a == null || a.isIntegralNumber()) {
      axes = new int[] {a == null ? -1 : a.asInt()};
    } else if (a.isArray() && a.size() > 0) {
      List<Integer> l = new ArrayList<>();
      a.forEach(v -> l.add(v.asInt()));
      axes = l.stream().mapToInt(Integer::intValue).toArray();
    } else {
      c.unsupported("axis", a, "a whole number or a non-empty list of whole numbers");
      axes = new int[] {-1};
    }
    boolean given = c.node("mean") != null && !c.node("mean").isNull()
        || c.node("variance") != null && !c.node("variance").isNull();
    if (given) {
      inputMean = ConfigArray.parse(c, "mean");
      inputVariance = ConfigArray.parse(c, "variance");
      if (inputMean != null && inputVariance != null
          && !Arrays.equals(inputMean.shape(), inputVariance.shape())) {
        c.unsupported("variance", c.node("variance"), "the shape of mean, "
            + Arrays.toString(inputMean.shape()));
      } else if (inputMean != null && inputMean.rank() > axes.length) {
        c.unsupported("mean", c.node("mean"), "an array of rank at most the number of axes ("
            + axes.length + ")");
      }
    } else {
      inputMean = null;
      inputVariance = null;
    }
    invert = c.getBoolean("invert", false);
    c.finish();
  }

  @Override
  protected void build(Shape in) {
    int rank = in.numDimensions();
    if (rank < 0) {
      throw new KerasBridgeException(config.where() + ": inputs of unknown rank are not"
          + " supported");
    }
    int[] keep = new int[axes.length];
    for (int i = 0; i < axes.length; i++) {
      keep[i] = axes[i] < 0 ? axes[i] + rank : axes[i];
      if (keep[i] < 0 || keep[i] >= rank) {
        throw new ShapeMismatchException(config.where() + ": axis " + axes[i]
            + " is out of bounds for input shape " + Shapes.keras(in));
      }
    }
    Arrays.sort(keep);
    long[] shape = new long[keep.length];
    broadcastShape = new int[rank];
    Arrays.fill(broadcastShape, 1);
    for (int i = 0; i < keep.length; i++) {
      if (in.size(keep[i]) < 0) {
        throw new ShapeMismatchException(config.where() + ": the kept axis " + keep[i]
            + " must have a known size, input shape is " + Shapes.keras(in));
      }
      shape[i] = in.size(keep[i]);
      broadcastShape[keep[i]] = (int) shape[i];
    }
    if (inputMean != null) {
      // Keras: a scalar broadcasts; otherwise its dimensions map right to left onto the kept
      // axes (the others 1), then broadcast to the kept sizes
      long[] expanded = new long[rank];
      Arrays.fill(expanded, 1);
      for (int i = 1; i <= inputMean.rank(); i++) {
        long m = inputMean.shape()[inputMean.rank() - i];
        int axis = keep[keep.length - i];
        if (m != 1 && m != broadcastShape[axis]) {
          throw new ShapeMismatchException(config.where() + ": mean/variance of shape "
              + Shapes.keras(Shape.of(inputMean.shape())) + " do not broadcast to the kept axes"
              + " of the input shape " + Shapes.keras(in));
        }
        expanded[axis] = m;
      }
      givenMean = inputMean.reshaped(expanded);
      givenVariance = inputVariance.reshaped(expanded);
      return;
    }
    JsonNodeFactory f = JsonNodeFactory.instance;
    mean = addWeight("mean", shape, false, f.objectNode().put("class_name", "Zeros"));
    variance = addWeight("variance", shape, false, f.objectNode().put("class_name", "Ones"));
    addWeight("count", new long[0], false, f.objectNode().put("class_name", "Zeros"));
  }

  @Override
  protected Operand<TFloat32> call(Ops tf, Operand<TFloat32> x, CallContext ctx) {
    Operand<TFloat32> m;
    Operand<TFloat32> v;
    if (givenMean != null) {
      Operand<org.tensorflow.types.TInt32> shape = tf.constant(broadcastShape);
      m = tf.broadcastTo(ConfigArray.captured(tf, givenMean.constant(tf, TFloat32.class)),
          shape);
      v = tf.broadcastTo(ConfigArray.captured(tf, givenVariance.constant(tf, TFloat32.class)),
          shape);
    } else {
      m = tf.reshape(mean.value(), tf.constant(broadcastShape));
      v = tf.reshape(variance.value(), tf.constant(broadcastShape));
    }
    Operand<TFloat32> sd = tf.math.maximum(tf.math.sqrt(v), tf.constant(EPSILON));
    return invert ? tf.math.add(m, tf.math.mul(x, sd)) : tf.math.div(tf.math.sub(x, m), sd);
  }

  @Override
  protected boolean supportsMasking() {
    return true;
  }

  @Override
  protected Shape computeOutputShape(Shape in) {
    return in;
  }
}
