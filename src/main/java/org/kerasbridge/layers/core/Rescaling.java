package org.kerasbridge.layers.core;

import java.util.List;
import org.kerasbridge.ShapeMismatchException;
import org.kerasbridge.layers.CallContext;
import org.kerasbridge.layers.ConfigArray;
import org.kerasbridge.layers.DTypePolicy;
import org.kerasbridge.layers.LayerConfig;
import org.kerasbridge.layers.Shapes;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
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
public final class Rescaling extends ElementwiseLayer {
  private final ConfigArray scale;
  private final ConfigArray offset;

  public Rescaling(LayerConfig c) {
    super(c);
    ConfigArray s = ConfigArray.parse(c, "scale");
    scale = s != null ? s : ConfigArray.scalar(1.0);
    ConfigArray o = c.has("offset") ? ConfigArray.parse(c, "offset") : null;
    offset = o != null ? o : ConfigArray.scalar(0.0);
    c.finish();
  }

  @Override
  protected Operand<TFloat32> call(Ops tf, Operand<TFloat32> x, CallContext ctx) {
    computeOutputShape(x.shape());
    Class<? extends TType> type = policy().computeType();
    Operand<TFloat32> in = DTypePolicy.cast(tf, x, type);
    return tf.math.add(tf.math.mul(in, scale.constant(tf, type)), offset.constant(tf, type));
  }

  /** The input's shape; a non-scalar scale or offset must broadcast to it (from the right). */
  @Override
  protected Shape computeOutputShape(Shape in) {
    for (ConfigArray v : List.of(scale, offset)) {
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
}
