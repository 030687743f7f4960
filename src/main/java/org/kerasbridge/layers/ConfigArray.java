package org.kerasbridge.layers;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TType;

/**
 * A constant array a layer config holds ({@code Rescaling(scale=...)}, {@code
 * Normalization(mean=...)}): a number, a rectangular nested list of numbers, or a numpy array as
 * Keras serializes it ({@code {"class_name": "__numpy__", "config": {"value": ..., "dtype":
 * ...}}}). As a tensor it is what Keras's {@code convert_to_tensor} makes of it: float32 for
 * Python numbers and lists (each rounded once from the double), the array's own dtype for a
 * float64 numpy array; {@link #constant} then casts it to the compute dtype, as Keras's
 * {@code ops.cast} does.
 */
public record ConfigArray(double[] values, long[] shape, boolean float64) {
  private static final int MAX_DEPTH = 8;

  /**
   * {@code config[key]}, or null (with a problem reported) when it is none of the forms above.
   */
  public static ConfigArray parse(LayerConfig c, String key) {
    JsonNode n = c.node(key);
    String expected = "a number, a rectangular nested list of numbers or a float32/float64 numpy"
        + " array";
    if (n == null || n.isNull()) {
      c.unsupported(key, n, expected);
      return null;
    }
    boolean f64 = false;
    if (n.isObject()) {
      String dtype = n.path("config").path("dtype").asText("float32");
      if (!"__numpy__".equals(n.path("class_name").asText()) || !n.path("config").has("value")
          || !(dtype.equals("float32") || dtype.equals("float64"))) {
        c.unsupported(key, n, expected);
        return null;
      }
      f64 = dtype.equals("float64");
      n = n.path("config").path("value");
    }
    List<Double> values = new ArrayList<>();
    List<Long> shape = new ArrayList<>();
    if (!flatten(n, 0, values, shape)) {
      c.unsupported(key, n, expected);
      return null;
    }
    return new ConfigArray(values.stream().mapToDouble(Double::doubleValue).toArray(),
        shape.stream().mapToLong(Long::longValue).toArray(), f64);
  }

  /** A scalar (Python number) constant. */
  public static ConfigArray scalar(double v) {
    return new ConfigArray(new double[] {v}, new long[0], false);
  }

  /** Nested lists to values and shape; false when ragged, too deep or not finite numbers. */
  private static boolean flatten(JsonNode n, int depth, List<Double> out, List<Long> shape) {
    if (n.isNumber()) {
      if (depth != shape.size() || !Double.isFinite(n.asDouble())) {
        return false;
      }
      out.add(n.asDouble());
      return true;
    }
    if (!n.isArray() || n.size() == 0 || depth >= MAX_DEPTH) {
      return false;
    }
    if (depth == shape.size()) {
      shape.add((long) n.size());
    } else if (shape.get(depth) != n.size()) {
      return false;
    }
    for (JsonNode e : n) {
      if (!flatten(e, depth + 1, out, shape)) {
        return false;
      }
    }
    return true;
  }

  public int rank() {
    return shape.length;
  }

  /** The same values with another shape (as many elements). */
  public ConfigArray reshaped(long[] newShape) {
    return new ConfigArray(values, newShape, float64);
  }

  /**
   * {@code c} as Keras's graph sees a tensor a layer computed outside its call ({@code
   * Normalization}'s given mean and variance, cast in {@code build}): a captured input of the
   * traced function, not a constant. Grappler folds arithmetic on constants ({@code x / c}
   * becomes {@code x * (1 / c)}, one float32 ulp apart); a PlaceholderWithDefault holding the
   * value is not folded, so the ops run as in Keras.
   */
  public static <T extends TType> Operand<T> captured(Ops tf, Operand<T> c) {
    return tf.placeholderWithDefault(c, c.shape());
  }

  /** The constant in the graph, cast to {@code type}. */
  public Operand<TFloat32> constant(Ops tf, Class<? extends TType> type) {
    Shape s = Shape.of(shape);
    Operand<?> c;
    if (float64) {
      c = tf.constant(s, DataBuffers.of(values, true, false));
    } else {
      float[] f = new float[values.length];
      for (int i = 0; i < f.length; i++) {
        f[i] = (float) values[i];
      }
      c = tf.constant(s, DataBuffers.of(f, true, false));
    }
    return DTypePolicy.cast(tf, c, type);
  }
}
