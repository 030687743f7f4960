package org.kerasbridge.layers.reshaping;

import org.kerasbridge.ShapeMismatchException;
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
 * {@code Cropping2D}: removes {@code ((top, bottom), (left, right))} rows and columns
 * ({@code cropping} may also be {@code n} or {@code (rows, cols)}; default none). Cropping a whole
 * axis away is an error, as in Keras.
 */
public final class Cropping2D extends SingleInputLayer {
  private final int[][] cropping;
  private final DataFormat dataFormat;

  public Cropping2D(LayerConfig c) {
    super(c);
    cropping = Pairs.read(c, "cropping", 2, new int[][] {{0, 0}, {0, 0}});
    dataFormat = DataFormat.fromConfig(c);
    c.finish();
  }

  @Override
  protected void build(Shape in) {
    Spatial.requireRank(config, in, 2, dataFormat, false);
    long[] sp = dataFormat.spatial(in);
    for (int i = 0; i < 2; i++) {
      if (sp[i] >= 0 && cropping[i][0] + cropping[i][1] >= sp[i]) {
        throw new ShapeMismatchException(config.where() + ": cropping " + cropping[i][0] + " + "
            + cropping[i][1] + " must be smaller than the input's spatial length " + sp[i]
            + " (spatial axis " + i + ")");
      }
    }
  }

  @Override
  protected Operand<TFloat32> call(Ops tf, Operand<TFloat32> x, CallContext ctx) {
    int[][] all = new int[4][2];
    int first = dataFormat.channelsFirst() ? 2 : 1;
    all[first] = cropping[0];
    all[first + 1] = cropping[1];
    return Crop.apply(tf, x, all);
  }

  /** Keras: each spatial length minus its two croppings (None stays None). */
  @Override
  protected Shape computeOutputShape(Shape in) {
    long[] sp = dataFormat.spatial(in);
    for (int i = 0; i < 2; i++) {
      sp[i] = sp[i] < 0 ? -1 : sp[i] - cropping[i][0] - cropping[i][1];
    }
    return dataFormat.withSpatial(in, sp);
  }
}
