package org.kerasbridge.layers;

import java.util.List;
import org.kerasbridge.KerasBridgeException;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TType;

/** Base of the many layers with one float32 input and one output. */
public abstract class SingleInputLayer extends Layer {
  protected SingleInputLayer(LayerConfig config) {
    super(config);
  }

  /** Declares weights for the single input's shape. */
  protected void build(Shape inputShape) {}

  @Override
  protected final void build(List<Shape> inputShapes) {
    requireOne(inputShapes.size());
    build(inputShapes.get(0));
  }

  protected abstract Operand<TFloat32> call(Ops tf, Operand<TFloat32> x, CallContext ctx);

  /** Keras's {@code compute_output_shape} for the single input (-1 for None). */
  protected abstract Shape computeOutputShape(Shape in);

  @Override
  public final List<Shape> computeOutputShape(List<Shape> inputShapes) {
    requireOne(inputShapes.size());
    return List.of(computeOutputShape(inputShapes.get(0)));
  }

  @Override
  @SuppressWarnings("unchecked")
  protected final List<Operand<TFloat32>> call(Ops tf, List<Operand<? extends TType>> inputs,
      CallContext ctx) {
    requireOne(inputs.size());
    return List.of(call(tf, (Operand<TFloat32>) inputs.get(0), ctx));
  }

  private void requireOne(int n) {
    if (n != 1) {
      throw new KerasBridgeException(config.where() + " takes one input, got " + n);
    }
  }
}
