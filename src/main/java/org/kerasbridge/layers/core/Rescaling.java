package org.kerasbridge.layers.core;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.kerasbridge.ShapeMismatchException;
import org.kerasbridge.layers.CallContext;
import org.kerasbridge.layers.DTypePolicy;
import org.kerasbridge.layers.LayerConfig;
import org.kerasbridge.layers.Shapes;
import org.kerasbridge.layers.SingleInputLayer;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.family.TType;

/**
 * The preprocessing layer {@code Rescaling(scale, offset=0.0)}: {@code cast(x) * scale + offset}
 * in the compute dtype, op for op as Keras 3. {@code scale} and {@code offset} are numbers, nested
 * lists, or numpy arrays as Keras serializes them ({@code {"class_name": "__numpy__", "config":
 * {"value": ..., "dtype": ...}}}); they broadcast against the input from its last axis, and are
 * cast to the compute dtype the way Keras's {@code backend.cast} does (a Python number or list
 * becomes float32 first, a numpy array keeps its dtype). An integer input (uint8 images) is cast
 * to the compute dtype first, as Keras does.
 *
 * <p>Keras reshapes a non-scalar scale to {@code (C, 1, 1)} when the Python process's global
 * {@code image_data_format} is {@code channels_first}; that setting is not in the file, so it is
 * taken to be {@code channels_last} (Keras's default).
 */
public final class Rescaling extends SingleInputLayer {
  private final Value scale;
  private final Value offset;

  /** A constant as the config gives it: values, shape, and whether it was a float64 array. */
  private record Value(double[] values, long[] shape, boolean float64) {}

  public Rescaling(LayerConfig c) {
    super(c);
    scale = parse(c, "scale", c.node("scale"), 1.0);
    offset = parse(c, "offset", c.node("offset"), 0.0);
    c.finish();
  }

  private static Value parse(LayerConfig c, String key, JsonNode n, double dflt) {
    if (n == null || n.isNull()) {
      if (key.equals("scale")) {
        c.unsupported("scale", n, "a number, a list of numbers or a numpy array");
      }
      return new Value(new double[] {dflt}, new long[0], false);
    }
    boolean f64 = false;
    if (n.isObject()) {
      if (!"__numpy__".equals(n.path("class_name").asText())
          || !n.path("config").has("value")) {
        c.unsupported(key, n, "a number, a list of numbers or a numpy array");
        return new Value(new double[] {dflt}, new long[0], false);
      }
      String dtype = n.path("config").path("dtype").asText("float32");
      if (!dtype.equals("float32") && !dtype.equals("float64")) {
        c.unsupported(key, n, "a float32 or float64 numpy array");
      }
      f64 = dtype.equals("float64");
      n = n.path("config").path("value");
    }
    List<Double> values = new ArrayList<>();
    List<Long> shape = new ArrayList<>();
    if (!flatten(n, 0, values, shape)) {
      c.unsupported(key, n, "a number or a rectangular nested list of numbers");
      return new Value(new double[] {dflt}, new long[0], false);
    }
    return new Value(values.stream().mapToDouble(Double::doubleValue).toArray(),
        shape.stream().mapToLong(Long::longValue).toArray(), f64);
  }

  /** Nested lists to values and shape; false when ragged or not numbers. */
  private static boolean flatten(JsonNode n, int depth, List<Double> out, List<Long> shape) {
    if (n.isNumber()) {
      if (depth != shape.size() || !Double.isFinite(n.asDouble())) {
        return false;
      }
      out.add(n.asDouble());
      return true;
    }
    if (!n.isArray() || n.size() == 0 || depth >= 8) {
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

  @Override
  protected Operand<TFloat32> call(Ops tf, Operand<TFloat32> x, CallContext ctx) {
    computeOutputShape(x.shape());
    Class<? extends TType> type = policy().computeType();
    Operand<TFloat32> in = DTypePolicy.cast(tf, x, type);
    return tf.math.add(tf.math.mul(in, constant(tf, scale, type)), constant(tf, offset, type));
  }

  private static Operand<TFloat32> constant(Ops tf, Value v, Class<? extends TType> type) {
    Shape s = Shape.of(v.shape());
    Operand<?> c;
    if (v.float64()) {
      c = tf.constant(s, org.tensorflow.ndarray.buffer.DataBuffers.of(v.values(), true, false));
    } else {
      float[] f = new float[v.values().length];
      for (int i = 0; i < f.length; i++) {
        f[i] = (float) v.values()[i];
      }
      c = tf.constant(s, org.tensorflow.ndarray.buffer.DataBuffers.of(f, true, false));
    }
    return DTypePolicy.cast(tf, c, type);
  }

  @Override
  protected boolean supportsMasking() {
    return true;
  }

  /** The input's shape; a non-scalar scale or offset must broadcast to it (from the right). */
  @Override
  protected Shape computeOutputShape(Shape in) {
    for (Value v : List.of(scale, offset)) {
      long[] s = v.shape();
      boolean ok = in.numDimensions() < 0 || s.length <= in.numDimensions();
      for (int i = 1; ok && i <= s.length && in.numDimensions() >= 0; i++) {
        long d = in.size(in.numDimensions() - i);
        ok = s[s.length - i] == 1 || d < 0 || s[s.length - i] == d;
      }
      if (!ok) {
        throw new ShapeMismatchException(config.where() + ": scale/offset of shape "
            + Shapes.keras(Shape.of(s)) + " does not broadcast to the input shape "
            + Shapes.keras(in));
      }
    }
    return in;
  }

  @Override
  protected boolean supportsPolicy(DTypePolicy policy) {
    return true;
  }
}
