package org.kerasbridge.layers;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBfloat16;
import org.tensorflow.types.TFloat16;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.family.TType;

/**
 * A Keras 3 floating dtype policy ({@code keras/src/dtype_policies/dtype_policy.py}): the dtype a
 * layer computes in and the dtype its variables have. {@code "float16"}/{@code "bfloat16"} use
 * the one dtype for both; {@code "mixed_float16"}/{@code "mixed_bfloat16"} compute in half
 * precision with float32 variables, which the layer reads cast to the compute dtype (Keras's
 * {@code AutoCastVariable}). A file gives the policy as a plain string or as a
 * {@code DTypePolicy}/{@code FloatDTypePolicy}/tf.keras {@code Policy} dict; the config
 * normalizer has already made it the name.
 *
 * <p>What Keras does with a policy, and what {@link Layer#apply} reproduces: floating inputs are
 * cast to the compute dtype ({@code DTypePolicy.convert_input}, unless the layer sets {@code
 * autocast = False}); integer inputs are left alone; weights are read in the compute dtype unless
 * created with {@code autocast=False} (BatchNormalization's, LayerNormalization's). A few ops
 * compute half inputs in float32 and cast back ({@code ops.mean}, BatchNormalization); the layers
 * that use them say so. Only layers whose half-precision semantics were checked against Keras
 * accept a policy other than float32 ({@link Layer#supportsPolicy}); any other layer refuses it.
 *
 * <p>Variables are held in float32 in the graph whatever the variable dtype: a float16 or
 * bfloat16 value widens to float32 exactly, and a layer reads it back narrowed to the variable
 * dtype first, so it computes on exactly the values Keras holds.
 */
public record DTypePolicy(String name, Class<? extends TType> computeType,
    Class<? extends TType> variableType) {
  public static final DTypePolicy FLOAT32 =
      new DTypePolicy("float32", TFloat32.class, TFloat32.class);

  /** The policy of this name, or null when it is not one of the float policies supported. */
  public static DTypePolicy of(String name) {
    switch (name) {
      case "float32":
        return FLOAT32;
      case "float16":
        return new DTypePolicy(name, TFloat16.class, TFloat16.class);
      case "bfloat16":
        return new DTypePolicy(name, TBfloat16.class, TBfloat16.class);
      case "mixed_float16":
        return new DTypePolicy(name, TFloat16.class, TFloat32.class);
      case "mixed_bfloat16":
        return new DTypePolicy(name, TBfloat16.class, TFloat32.class);
      default:
        return null;
    }
  }

  public boolean isFloat32() {
    return computeType == TFloat32.class && variableType == TFloat32.class;
  }

  /** The Keras name of the compute dtype, e.g. {@code float16}. */
  public String computeDtype() {
    return dtypeName(computeType);
  }

  @Override
  public String toString() {
    return name;
  }

  /** True for the floating types a layer may compute in or receive. */
  public static boolean isFloating(Class<? extends TType> t) {
    return t == TFloat32.class || t == TFloat16.class || t == TBfloat16.class
        || t == TFloat64.class;
  }

  /** True for float16 and bfloat16. */
  public static boolean isHalf(Class<? extends TType> t) {
    return t == TFloat16.class || t == TBfloat16.class;
  }

  /** The Keras name of a TF Java type: float32, float16, bfloat16, float64. */
  public static String dtypeName(Class<? extends TType> t) {
    if (t == TFloat16.class) {
      return "float16";
    }
    if (t == TBfloat16.class) {
      return "bfloat16";
    }
    if (t == TFloat64.class) {
      return "float64";
    }
    return t == TFloat32.class ? "float32" : t.getSimpleName();
  }

  /** {@code x} cast to {@code type}, or {@code x} itself when it has that type already. */
  @SuppressWarnings("unchecked")
  public static <T extends TType> Operand<T> cast(Ops tf, Operand<? extends TType> x,
      Class<? extends TType> type) {
    if (x.type() == type) {
      return (Operand<T>) x;
    }
    return (Operand<T>) tf.dtypes.cast(x, (Class<T>) type);
  }

  /**
   * The scalar {@code value} in the dtype of {@code like}, as a Python number meets a tensor in
   * Keras ({@code x * 0.5}): converted straight to that dtype, rounded once (a float64 constant
   * cast in the graph; half types round from the double, as numpy's astype does).
   */
  @SuppressWarnings("unchecked")
  public static <T extends TType> Operand<T> constant(Ops tf, double value, Operand<?> like) {
    Class<? extends TType> t = like.type();
    if (t == TFloat32.class) {
      return (Operand<T>) tf.constant((float) value);
    }
    if (t == TFloat64.class) {
      return (Operand<T>) tf.constant(value);
    }
    if (t == TFloat16.class) {
      short bits = org.kerasbridge.ndarray.Half.fromDouble(value);
      try (TFloat16 h = TFloat16.scalarOf(org.kerasbridge.ndarray.Half.toFloat(bits))) {
        return (Operand<T>) tf.constantOf(h);
      }
    }
    return (Operand<T>) tf.dtypes.cast(tf.constant(value), (Class<T>) t);
  }

  /**
   * Keras's {@code ops.mean} on TensorFlow: a float16/bfloat16 tensor is averaged in float32 and
   * the result cast back ({@code tf.reduce_mean} would overflow in half precision).
   */
  public static <T extends TType> Operand<T> mean(Ops tf, Operand<T> x,
      Operand<org.tensorflow.types.TInt32> axes, boolean keepDims) {
    org.tensorflow.op.math.Mean.Options keep = org.tensorflow.op.math.Mean.keepDims(keepDims);
    if (!isHalf(x.type())) {
      return tf.math.mean(x, axes, keep);
    }
    Operand<TFloat32> wide = tf.dtypes.cast(x, TFloat32.class);
    return cast(tf, tf.math.mean(wide, axes, keep), x.type());
  }
}
