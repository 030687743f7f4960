package org.kerasbridge.layers.ops;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.kerasbridge.layers.LayerConfig;
import org.kerasbridge.layers.LayerFactory;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.ReduceMax;
import org.tensorflow.op.core.ReduceMin;
import org.tensorflow.op.core.Squeeze;
import org.tensorflow.types.TFloat32;

/**
 * The Keras ops ({@code keras.src.ops.numpy}) that Keras 3 records in Functional graphs: those
 * that carry masks (comparisons, logical ops, reductions and shape ops) and the arithmetic of
 * tensors and numbers ({@code x + 3.0}), registered by class name in their own namespace (an op
 * named {@code Concatenate} or {@code Add} is not the layer of that name).
 */
public final class OperationLayers {
  private OperationLayers() {}

  public static void register(Map<String, LayerFactory> r) {
    r.put("NotEqual", (c, ctx) -> binary(c, (tf, ab) -> OpLayer.fromBool(tf,
        tf.math.notEqual(ab.get(0), ab.get(1)))));
    r.put("Equal", (c, ctx) -> binary(c, (tf, ab) -> OpLayer.fromBool(tf,
        tf.math.equal(ab.get(0), ab.get(1)))));
    r.put("Greater", (c, ctx) -> binary(c, (tf, ab) -> OpLayer.fromBool(tf,
        tf.math.greater(ab.get(0), ab.get(1)))));
    r.put("GreaterEqual", (c, ctx) -> binary(c, (tf, ab) -> OpLayer.fromBool(tf,
        tf.math.greaterEqual(ab.get(0), ab.get(1)))));
    r.put("Less", (c, ctx) -> binary(c, (tf, ab) -> OpLayer.fromBool(tf,
        tf.math.less(ab.get(0), ab.get(1)))));
    r.put("LessEqual", (c, ctx) -> binary(c, (tf, ab) -> OpLayer.fromBool(tf,
        tf.math.lessEqual(ab.get(0), ab.get(1)))));
    r.put("LogicalOr", (c, ctx) -> binary(c, (tf, ab) -> tf.math.maximum(
        OpLayer.truth(tf, ab.get(0)), OpLayer.truth(tf, ab.get(1)))));
    r.put("LogicalAnd", (c, ctx) -> binary(c, (tf, ab) -> tf.math.minimum(
        OpLayer.truth(tf, ab.get(0)), OpLayer.truth(tf, ab.get(1)))));
    r.put("LogicalNot", (c, ctx) -> unary(c, (tf, x) -> tf.math.sub(tf.constant(1f),
        OpLayer.truth(tf, x))));
    r.put("ZerosLike", (c, ctx) -> unary(c, (tf, x) -> tf.zerosLike(x), "dtype"));
    r.put("OnesLike", (c, ctx) -> unary(c, (tf, x) -> tf.onesLike(x), "dtype"));
    r.put("Cast", (c, ctx) -> cast(c));
    r.put("ExpandDims", (c, ctx) -> expandDims(c));
    r.put("Squeeze", (c, ctx) -> squeeze(c));
    r.put("Any", (c, ctx) -> reduce(c, true));
    r.put("All", (c, ctx) -> reduce(c, false));
    r.put("Concatenate", (c, ctx) -> concatenate(c));
    // arithmetic (x + 3.0, x * (1 / 6) in MobileNetV3's hard_sigmoid, residual adds in
    // ConvNeXt): NumPy broadcasting, a Python number becoming a float32 constant, in float32
    // (Keras's bias_add special case of add computes the same sums)
    r.put("Add", (c, ctx) -> binary(c, (tf, ab) -> tf.math.add(ab.get(0), ab.get(1))));
    r.put("Subtract", (c, ctx) -> binary(c, (tf, ab) -> tf.math.sub(ab.get(0), ab.get(1))));
    r.put("Multiply", (c, ctx) -> binary(c, (tf, ab) -> tf.math.mul(ab.get(0), ab.get(1))));
    r.put("Divide", (c, ctx) -> binary(c, (tf, ab) -> tf.math.div(ab.get(0), ab.get(1))));
    r.put("TrueDivide", (c, ctx) -> binary(c, (tf, ab) -> tf.math.div(ab.get(0), ab.get(1))));
    r.put("Negative", (c, ctx) -> unary(c, (tf, x) -> tf.math.neg(x)));
  }

  private static OpLayer binary(LayerConfig c,
      BiFunction<Ops, List<Operand<TFloat32>>, Operand<TFloat32>> fn) {
    c.finish();
    return new OpLayer(c) {
      @Override
      Operand<TFloat32> compute(Ops tf, List<Object> args) {
        List<Operand<TFloat32>> ab = new ArrayList<>();
        ab.add(operand(tf, args.get(0)));
        ab.add(operand(tf, args.get(1)));
        return fn.apply(tf, ab);
      }
    };
  }

  private static OpLayer unary(LayerConfig c,
      BiFunction<Ops, Operand<TFloat32>, Operand<TFloat32>> fn, String... ignored) {
    c.ignore(ignored); // the result dtype: float32 0/1 here for bool, by design
    c.finish();
    return new OpLayer(c) {
      @Override
      Operand<TFloat32> compute(Ops tf, List<Object> args) {
        return fn.apply(tf, operand(tf, args.get(0)));
      }
    };
  }

  private static OpLayer cast(LayerConfig c) {
    String dtype = c.getString("dtype", "float32");
    c.finish();
    boolean toBool = dtype.equals("bool");
    return new OpLayer(c) {
      @Override
      Operand<TFloat32> compute(Ops tf, List<Object> args) {
        Operand<TFloat32> x = operand(tf, args.get(0));
        if (toBool) {
          return truth(tf, x);
        }
        if (dtype.startsWith("int") || dtype.startsWith("uint")) {
          return tf.dtypes.cast(tf.dtypes.cast(x, org.tensorflow.types.TInt64.class),
              TFloat32.class);
        }
        return x;
      }
    };
  }

  private static OpLayer expandDims(LayerConfig c) {
    int[] axes = OpLayer.axes(c, "axis");
    c.finish();
    return new OpLayer(c) {
      @Override
      Operand<TFloat32> compute(Ops tf, List<Object> args) {
        Operand<TFloat32> x = operand(tf, args.get(0));
        for (int a : axes) {
          x = tf.expandDims(x, tf.constant(a));
        }
        return x;
      }
    };
  }

  private static OpLayer squeeze(LayerConfig c) {
    int[] axes = OpLayer.axes(c, "axis");
    c.finish();
    return new OpLayer(c) {
      @Override
      Operand<TFloat32> compute(Ops tf, List<Object> args) {
        Operand<TFloat32> x = operand(tf, args.get(0));
        if (axes == null) {
          return tf.squeeze(x);
        }
        Long[] ax = new Long[axes.length];
        for (int i = 0; i < axes.length; i++) {
          ax[i] = (long) axes[i];
        }
        return tf.squeeze(x, Squeeze.axis(ax));
      }
    };
  }

  private static OpLayer reduce(LayerConfig c, boolean any) {
    int[] axes = OpLayer.axes(c, "axis");
    boolean keepdims = c.getBoolean("keepdims", false);
    c.finish();
    return new OpLayer(c) {
      @Override
      Operand<TFloat32> compute(Ops tf, List<Object> args) {
        Operand<TFloat32> x = truth(tf, operand(tf, args.get(0)));
        Operand<org.tensorflow.types.TInt32> ax = axes == null
            ? tf.range(tf.constant(0), tf.rank(x), tf.constant(1)) : tf.constant(axes);
        return any ? tf.reduceMax(x, ax, ReduceMax.keepDims(keepdims))
            : tf.reduceMin(x, ax, ReduceMin.keepDims(keepdims));
      }
    };
  }

  private static OpLayer concatenate(LayerConfig c) {
    int axis = c.getInt("axis", 0);
    c.finish();
    return new OpLayer(c) {
      @Override
      Operand<TFloat32> compute(Ops tf, List<Object> args) {
        List<Operand<TFloat32>> parts = new ArrayList<>();
        Object first = args.get(0);
        for (Object o : first instanceof List<?> l ? l : args) {
          parts.add(operand(tf, o));
        }
        return tf.concat(parts, tf.constant(axis));
      }
    };
  }
}
