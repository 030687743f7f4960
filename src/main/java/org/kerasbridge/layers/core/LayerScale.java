package org.kerasbridge.layers.core;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.kerasbridge.ShapeMismatchException;
import org.kerasbridge.layers.CallContext;
import org.kerasbridge.layers.LayerConfig;
import org.kerasbridge.layers.Shapes;
import org.kerasbridge.layers.SingleInputLayer;
import org.kerasbridge.layers.Weight;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * {@code LayerScale(init_values, projection_dim)} of {@code keras.applications.convnext}: a
 * trainable per-channel scale {@code gamma} of shape {@code (projection_dim,)}, initialized to
 * {@code init_values}; {@code x * gamma} on the last axis. Part of Keras itself (ConvNeXt files
 * record it with {@code module: keras.src.applications.convnext}); a user's own class of that
 * name is refused as custom by its module, like any other.
 */
public final class LayerScale extends SingleInputLayer {
  private final double initValues;
  private final int projectionDim;
  private Weight gamma;

  public LayerScale(LayerConfig c) {
    super(c);
    // a required argument in Keras (only the initializer of gamma; the file's gamma is loaded)
    initValues = c.getDouble("init_values", 0.0);
    if (!c.has("init_values")) {
      c.unsupported("init_values", null, "a number (LayerScale's required argument)");
    }
    projectionDim = c.requirePositiveInt("projection_dim");
    c.finish();
  }

  @Override
  protected void build(Shape in) {
    ObjectNode init = JsonNodeFactory.instance.objectNode().put("class_name", "Constant");
    init.putObject("config").put("value", initValues);
    gamma = addWeight("gamma", new long[] {projectionDim}, true, init);
  }

  @Override
  protected Operand<TFloat32> call(Ops tf, Operand<TFloat32> x, CallContext ctx) {
    computeOutputShape(x.shape());
    return tf.math.mul(x, gamma.value());
  }

  @Override
  protected Shape computeOutputShape(Shape in) {
    int r = in.numDimensions();
    if (r >= 0 && (r < 1 || in.size(r - 1) >= 0 && in.size(r - 1) != projectionDim)) {
      throw new ShapeMismatchException(config.where() + ": projection_dim " + projectionDim
          + " does not match the last axis of the input shape " + Shapes.keras(in));
    }
    return in;
  }
}
