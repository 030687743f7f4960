package org.kerasbridge.layers.merge;

import java.util.ArrayList;
import java.util.List;
import org.kerasbridge.layers.LayerConfig;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TType;

/**
 * {@code CustomScaleLayer(scale)} of {@code keras.applications.inception_resnet_v2}, Keras's own
 * class despite its name: {@code inputs[0] + inputs[1] * scale} on exactly two inputs, the scale a
 * Python number (a float32 constant). It is a plain Keras layer, not a Merge: masks are dropped.
 */
public final class CustomScaleLayer extends Merge {
  private final double scale;

  public CustomScaleLayer(LayerConfig c) {
    super(c);
    scale = c.getDouble("scale", 1.0);
    if (!c.has("scale") || !Double.isFinite(scale)) {
      c.unsupported("scale", c.node("scale"), "a finite number");
    }
    c.finish();
  }

  @Override
  protected void build(List<Shape> inputShapes) {
    super.build(inputShapes);
    requireTwoInputs(inputShapes);
  }

  @Override
  protected Operand<TFloat32> merge(Ops tf, List<Operand<TFloat32>> xs,
      List<Operand<TBool>> masks) {
    return tf.math.add(xs.get(0), tf.math.mul(xs.get(1), tf.constant((float) scale)));
  }

  @Override
  protected boolean supportsMasking() {
    return false;
  }

  @Override
  public List<Operand<TBool>> computeMask(Ops tf, List<Operand<? extends TType>> inputs,
      List<Operand<TBool>> masks, int outputCount) {
    List<Operand<TBool>> none = new ArrayList<>();
    for (int i = 0; i < outputCount; i++) {
      none.add(null);
    }
    return none;
  }
}
