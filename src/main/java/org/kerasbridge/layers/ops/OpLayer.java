package org.kerasbridge.layers.ops;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.kerasbridge.KerasBridgeException;
import org.kerasbridge.layers.CallContext;
import org.kerasbridge.layers.Layer;
import org.kerasbridge.layers.LayerConfig;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TType;

/**
 * A Keras op recorded in a Functional graph ({@code module: keras.src.ops.*}). Keras 3 records
 * such ops when a model carries masks explicitly (Embedding(mask_zero) feeding an RNN in a
 * Functional model: {@code NotEqual(ids, 0)} passed as {@code mask=}). Values are float32 here;
 * booleans are 0/1 and become masks again where a layer takes them as {@code mask}.
 *
 * <p>Positional arguments may mix tensors and constants ({@code NotEqual(x, 0)}); {@link #args}
 * gives them in order, with tensors replaced by the call's inputs.
 */
abstract class OpLayer extends Layer {
  OpLayer(LayerConfig c) {
    super(c, false);
  }

  /**
   * Keras ops compute in their inputs' dtype, never autocasting; these ops compute in float32
   * only, so a float16/bfloat16 input (from a layer with a half-precision policy) is refused
   * rather than silently widened.
   */
  @Override
  protected void checkInputTypes(List<Operand<? extends TType>> inputs) {
    for (Operand<? extends TType> x : inputs) {
      if (org.kerasbridge.layers.DTypePolicy.isHalf(x.type())) {
        throw new org.kerasbridge.UnsupportedFeatureException(config.problems().source() + ": "
            + config.where() + ": a " + org.kerasbridge.layers.DTypePolicy.dtypeName(x.type())
            + " input (from a layer with a half-precision dtype policy) is not supported by"
            + " Keras operation layers here; they compute in float32 only");
      }
    }
  }

  @Override
  public boolean takesConstantArguments() {
    return true;
  }

  /** The op's result from its positional arguments (tensors or constants) in order. */
  abstract Operand<TFloat32> compute(Ops tf, List<Object> args);

  @Override
  @SuppressWarnings("unchecked")
  protected final List<Operand<TFloat32>> call(Ops tf, List<Operand<? extends TType>> inputs,
      CallContext ctx) {
    List<Object> args = new ArrayList<>();
    Iterator<Operand<? extends TType>> it = inputs.iterator();
    JsonNode raw = ctx.nodeArgs();
    if (raw == null || !raw.isArray()) {
      inputs.forEach(args::add);
    } else {
      for (JsonNode a : raw) {
        args.add(resolve(a, it));
      }
    }
    return List.of(compute(tf, args));
  }

  private Object resolve(JsonNode a, Iterator<Operand<? extends TType>> it) {
    if (a.isObject() && "__keras_tensor__".equals(a.path("class_name").asText())) {
      return it.next();
    }
    if (a.isArray()) {
      List<Object> list = new ArrayList<>();
      a.forEach(e -> list.add(resolve(e, it)));
      return list;
    }
    if (a.isNumber() || a.isBoolean()) {
      return a.isBoolean() ? (a.asBoolean() ? 1.0 : 0.0) : a.asDouble();
    }
    throw new KerasBridgeException(config.where() + ": argument " + a + " is not supported");
  }

  /** A tensor argument, or a constant one as a scalar. */
  @SuppressWarnings("unchecked")
  static Operand<TFloat32> operand(Ops tf, Object a) {
    if (a instanceof Operand<?> o) {
      return (Operand<TFloat32>) o;
    }
    if (a instanceof Double d) {
      return tf.constant(d.floatValue());
    }
    throw new KerasBridgeException("expected a tensor or a number, got " + a);
  }

  /** x != 0 as 0/1. */
  static Operand<TFloat32> truth(Ops tf, Operand<TFloat32> x) {
    return tf.dtypes.cast(tf.math.notEqual(x, tf.constant(0f)), TFloat32.class);
  }

  static Operand<TFloat32> fromBool(Ops tf, Operand<org.tensorflow.types.TBool> b) {
    return tf.dtypes.cast(b, TFloat32.class);
  }

  /** The axes of {@code config[key]} (an int or a list), or null when absent. */
  static int[] axes(LayerConfig c, String key) {
    JsonNode n = c.node(key);
    if (n == null) {
      return null;
    }
    if (n.isInt()) {
      return new int[] {n.asInt()};
    }
    int[] out = new int[n.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = n.get(i).asInt();
    }
    return out;
  }

  static int positive(int axis, int rank) {
    return axis < 0 ? axis + rank : axis;
  }

  /**
   * The op's shape rule. These ops (comparisons, logical ops, casts, expand_dims, squeeze,
   * reductions and concatenation over constant axes) compute no shape at run time, and TF's static
   * shape inference applies the same NumPy rules Keras's {@code compute_output_spec} does, so
   * the graph's own static shape is the Keras one: no further dimensions are stated here.
   */
  @Override
  public final List<org.tensorflow.ndarray.Shape> computeOutputShape(
      List<org.tensorflow.ndarray.Shape> inputShapes) {
    return List.of(org.tensorflow.ndarray.Shape.unknown());
  }
}
