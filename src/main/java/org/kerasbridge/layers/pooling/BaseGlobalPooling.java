package org.kerasbridge.layers.pooling;

import org.kerasbridge.layers.CallContext;
import org.kerasbridge.layers.LayerConfig;
import org.kerasbridge.layers.SingleInputLayer;
import org.kerasbridge.layers.conv.DataFormat;
import org.kerasbridge.layers.conv.Spatial;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Keras's {@code BaseGlobalPooling}: reduces all spatial axes of {@code (batch, spatial...,
 * channels)} (or {@code (batch, channels, spatial...)}) to {@code (batch, channels)}, or with
 * {@code keepdims=True} to the input rank with spatial lengths 1.
 */
public abstract class BaseGlobalPooling extends SingleInputLayer {
  protected final int rank;
  protected final DataFormat dataFormat;
  protected final boolean keepdims;

  protected BaseGlobalPooling(LayerConfig c, int rank) {
    super(c);
    this.rank = rank;
    dataFormat = DataFormat.fromConfig(c);
    keepdims = c.getBoolean("keepdims", false);
    c.finish();
  }

  @Override
  protected void build(Shape in) {
    Spatial.requireRank(config, in, rank, dataFormat, false);
  }

  /** The spatial axes: {@code 1..rank} (channels_last) or {@code 2..rank+1}. */
  protected Operand<org.tensorflow.types.TInt32> spatialAxes(Ops tf) {
    int[] axes = new int[rank];
    for (int i = 0; i < rank; i++) {
      axes[i] = (dataFormat.channelsFirst() ? 2 : 1) + i;
    }
    return tf.constant(axes);
  }

  @Override
  protected abstract Operand<TFloat32> call(Ops tf, Operand<TFloat32> x, CallContext ctx);

  /** Keras: {@code (batch, channels)}, or with keepdims the spatial dimensions set to 1. */
  @Override
  protected final Shape computeOutputShape(Shape in) {
    if (keepdims) {
      long[] ones = new long[rank];
      java.util.Arrays.fill(ones, 1);
      return dataFormat.withSpatial(in, ones);
    }
    return Shape.of(in.size(0), dataFormat.channels(in));
  }

  /** Checked against Keras under float16 and mixed_float16 policies (see {@link org.kerasbridge.layers.DTypePolicy}). */
  @Override
  protected boolean supportsPolicy(org.kerasbridge.layers.DTypePolicy policy) {
    return true;
  }
}
