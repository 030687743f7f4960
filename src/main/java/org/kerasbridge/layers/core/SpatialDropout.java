package org.kerasbridge.layers.core;

import org.kerasbridge.ShapeMismatchException;
import org.kerasbridge.layers.LayerConfig;
import org.kerasbridge.layers.Shapes;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * {@code SpatialDropout1D/2D/3D}: Dropout that drops whole feature maps. The identity at
 * inference; in training one keep/drop draw per sample and channel, shared over the steps or
 * spatial positions: mask shape {@code (batch, 1, channels)} for 1D, {@code (batch, 1, 1,
 * channels)} for 2D {@code channels_last} and {@code (batch, channels, 1, 1)} for
 * {@code channels_first} (3D likewise), as Keras 3's {@code _get_noise_shape}. Inputs must have
 * rank 3, 4 or 5 (Keras's {@code InputSpec(ndim=...)}).
 */
public final class SpatialDropout extends Dropout {
  private final int spatialDims;
  private final boolean channelsFirst;

  public SpatialDropout(LayerConfig c, int spatialDims) {
    super(c, false);
    this.spatialDims = spatialDims;
    channelsFirst = spatialDims > 1 && "channels_first".equals(
        c.getChoice("data_format", "channels_last", "channels_last", "channels_first"));
    c.finish();
  }

  @Override
  protected Operand<TInt32> maskShape(Ops tf, Operand<TFloat32> x) {
    long[] s = new long[spatialDims + 2];
    java.util.Arrays.fill(s, 1);
    s[0] = -1;
    s[channelsFirst ? 1 : s.length - 1] = -1;
    return noiseShapeOf(tf, x, s);
  }

  @Override
  protected Shape computeOutputShape(Shape in) {
    if (in.numDimensions() != spatialDims + 2) {
      throw new ShapeMismatchException(config.where() + ": expected an input of rank "
          + (spatialDims + 2) + ", got shape " + Shapes.keras(in));
    }
    return in;
  }
}
