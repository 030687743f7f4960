package org.kerasbridge.layers.core;

import org.kerasbridge.layers.CallContext;
import org.kerasbridge.layers.LayerConfig;
import org.kerasbridge.layers.SingleInputLayer;
import org.kerasbridge.regularizers.Regularizer;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * {@code ActivityRegularization(l1, l2)}: the identity, plus the training loss Keras 3 adds for
 * the output {@code y}: {@code (l1 * sum(|y|) + l2 * sum(y^2)) / batch_size} (an L1L2 activity
 * regularizer, normalized by the batch size as Keras 3's {@code Layer.__call__} does). Masks pass
 * through.
 */
public final class ActivityRegularization extends SingleInputLayer {
  private final Regularizer regularizer;

  public ActivityRegularization(LayerConfig c) {
    super(c);
    if (c.has("activity_regularizer")) {
      // Keras 3 builds its own L1L2 from l1/l2 and rejects a second activity_regularizer
      c.unsupported("activity_regularizer", c.raw().get("activity_regularizer"),
          "no activity_regularizer besides l1 and l2");
    }
    double l1 = c.getDouble("l1", 0.0);
    double l2 = c.getDouble("l2", 0.0);
    if (l1 < 0 || l2 < 0) {
      c.unsupported("l1/l2 must be numbers >= 0, got l1=" + l1 + ", l2=" + l2);
    }
    regularizer = new Regularizer(l1, l2, "L1L2");
    c.finish();
  }

  public Regularizer regularizer() {
    return regularizer;
  }

  @Override
  protected Operand<TFloat32> call(Ops tf, Operand<TFloat32> x, CallContext ctx) {
    ctx.addLoss(regularizer.activityLoss(tf, x));
    // a distinct op, so that the output can be fetched even when x is a fed placeholder
    return tf.identity(x);
  }

  @Override
  protected boolean supportsMasking() {
    return true;
  }

  /** Element-wise: the output has the input's shape. */
  @Override
  protected Shape computeOutputShape(Shape in) {
    return in;
  }
}
