package org.kerasbridge.layers.reshaping;

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
 * {@code ZeroPadding2D}: zeros around the rows and columns; {@code padding} is {@code n}, {@code
 * (rows, cols)} or {@code ((top, bottom), (left, right))} (default {@code (1, 1)}). Output
 * {@code (batch, top + rows + bottom, left + cols + right, channels)}, or channels-first.
 */
public final class ZeroPadding2D extends SingleInputLayer {
  private final int[][] padding;
  private final DataFormat dataFormat;

  public ZeroPadding2D(LayerConfig c) {
    super(c);
    padding = Pairs.read(c, "padding", 2, new int[][] {{1, 1}, {1, 1}});
    dataFormat = DataFormat.fromConfig(c);
    c.finish();
  }

  @Override
  protected void build(Shape in) {
    Spatial.requireRank(config, in, 2, dataFormat, false);
  }

  @Override
  protected Operand<TFloat32> call(Ops tf, Operand<TFloat32> x, CallContext ctx) {
    int[][] p = new int[4][2];
    int first = dataFormat.channelsFirst() ? 2 : 1;
    p[first] = padding[0].clone();
    p[first + 1] = padding[1].clone();
    return tf.pad(x, tf.constant(p), tf.constant(0f));
  }

  /** Keras: each spatial length plus its two paddings (None stays None). */
  @Override
  protected Shape computeOutputShape(Shape in) {
    long[] sp = dataFormat.spatial(in);
    for (int i = 0; i < 2; i++) {
      sp[i] = sp[i] < 0 ? -1 : sp[i] + padding[i][0] + padding[i][1];
    }
    return dataFormat.withSpatial(in, sp);
  }
}
