package org.kerasbridge.layers.core;

import org.tensorflow.ndarray.Shape;
import java.util.List;
import org.kerasbridge.layers.CallContext;
import org.kerasbridge.layers.Layer;
import org.kerasbridge.layers.LayerConfig;
import org.kerasbridge.ndarray.DType;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TType;

/**
 * A model input: its batch shape ({@code batch_shape}, -1 for None) and dtype. It computes
 * nothing; the model creates a placeholder for it.
 */
public final class InputLayer extends Layer {
  private final long[] batchShape;
  private final DType dtype;

  public InputLayer(LayerConfig c) {
    super(c, false);
    long[] s = c.getShape("batch_shape");
    if (s == null) {
      s = c.getShape("batch_input_shape");
    }
    if (s == null) {
      long[] in = c.getShape("input_shape");
      if (in != null) {
        s = new long[in.length + 1];
        s[0] = -1;
        System.arraycopy(in, 0, s, 1, in.length);
      }
    }
    if (s == null) {
      c.unsupported("it declares no batch_shape (or input_shape)");
      s = new long[] {-1};
    } else if (s.length == 0) {
      c.unsupported("its batch_shape is () but an input has at least a batch dimension");
      s = new long[] {-1};
    }
    this.batchShape = s;
    String d = c.raw().path("dtype").isTextual() ? c.raw().path("dtype").asText()
        : c.raw().path("dtype").path("config").path("name").asText("float32");
    DType t = DType.fromName(d).orElse(null);
    if (t == null) {
      c.unsupported("dtype '" + d + "' is not supported for inputs (float32, float64, int32,"
          + " int64, uint8)");
      t = DType.FLOAT32;
    }
    this.dtype = t;
    c.requireNeutral("sparse", false);
    c.requireNeutral("ragged", false);
    c.ignore("optional");
    c.finish();
  }

  /** The input's shape including the batch dimension; -1 marks None. */
  public long[] batchShape() {
    return batchShape.clone();
  }

  /** The dtype of the placeholder the model creates (before the cast to float32). */
  public DType inputDtype() {
    return dtype;
  }

  @Override
  protected List<Operand<TFloat32>> call(Ops tf, List<Operand<? extends TType>> inputs,
      CallContext ctx) {
    throw new IllegalStateException("InputLayer is never called");
  }

  /** An input is its own output. */
  @Override
  public List<Shape> computeOutputShape(List<Shape> inputShapes) {
    return inputShapes;
  }
}
