package org.kerasbridge.layers.core;

import org.kerasbridge.layers.CallContext;
import org.kerasbridge.layers.LayerConfig;
import org.kerasbridge.layers.Shapes;
import org.kerasbridge.layers.SingleInputLayer;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * {@code Flatten}: {@code (batch, d1, d2, ...)} to {@code (batch, d1*d2*...)} in C order of the
 * tensor as Keras holds it. With {@code data_format="channels_first"} Keras first moves the
 * channel axis last ({@code (0, 2, ..., 1)}), and so does this layer. Tensors between layers are
 * always in Keras's own layout, so the order matches Keras whatever the conv layers do inside.
 */
public final class Flatten extends SingleInputLayer {
  private final boolean channelsFirst;

  public Flatten(LayerConfig c) {
    super(c);
    channelsFirst = c.getChoice("data_format", "channels_last", "channels_last",
        "channels_first").equals("channels_first");
    c.finish();
  }

  @Override
  protected Operand<TFloat32> call(Ops tf, Operand<TFloat32> x, CallContext ctx) {
    Shape s = x.shape();
    int rank = s.numDimensions();
    if (channelsFirst && rank > 1) {
      int[] perm = new int[rank];
      perm[0] = 0;
      for (int i = 2; i < rank; i++) {
        perm[i - 1] = i;
      }
      perm[rank - 1] = 1;
      x = tf.linalg.transpose(x, tf.constant(perm));
    }
    long flat = 1;
    for (int i = 1; i < rank; i++) {
      long d = s.size(i);
      flat = d < 0 || flat < 0 ? -1 : flat * d;
    }
    // the batch dimension stays dynamic; the rest is static when known, else inferred
    return tf.reshape(x, Shapes.batchAnd(tf, x, rank < 2 ? 1 : flat));
  }

  /** Keras: {@code (batch, product of the other dimensions)}, None if any of them is None. */
  @Override
  protected Shape computeOutputShape(Shape in) {
    long flat = 1;
    for (int i = 1; i < in.numDimensions(); i++) {
      flat = Shapes.times(flat, in.size(i));
    }
    return Shape.of(in.size(0), flat);
  }

  /** Checked against Keras under float16 and mixed_float16 policies (see {@link org.kerasbridge.layers.DTypePolicy}). */
  @Override
  protected boolean supportsPolicy(org.kerasbridge.layers.DTypePolicy policy) {
    return true;
  }
}
