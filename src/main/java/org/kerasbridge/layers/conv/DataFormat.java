package org.kerasbridge.layers.conv;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;
import org.kerasbridge.layers.LayerConfig;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Keras's {@code data_format}: where the channel axis of a {@code (batch, spatial..., channels)}
 * or {@code (batch, channels, spatial...)} tensor is. Tensors between layers always keep the
 * layout Keras gives them; layers whose TensorFlow CPU kernels exist only for channels-last (max
 * pooling, and NCHW convolution without oneDNN) move the channels last on entry and back on exit,
 * as Keras's TensorFlow backend does for pooling.
 */
public enum DataFormat {
  CHANNELS_LAST,
  CHANNELS_FIRST;

  /**
   * Reads {@code data_format} as Keras's {@code standardize_data_format} does: null means the
   * default image data format, {@code channels_last}; the value is case-insensitive.
   */
  public static DataFormat fromConfig(LayerConfig c) {
    JsonNode n = c.node("data_format");
    if (n == null) {
      return CHANNELS_LAST;
    }
    String v = n.isTextual() ? n.asText().toLowerCase(Locale.ROOT) : "";
    switch (v) {
      case "channels_last":
        return CHANNELS_LAST;
      case "channels_first":
        return CHANNELS_FIRST;
      default:
        c.unsupported("data_format", n, "channels_last or channels_first");
        return CHANNELS_LAST;
    }
  }

  public boolean channelsFirst() {
    return this == CHANNELS_FIRST;
  }

  /** The channel axis of a tensor of rank {@code rank}: 1, or {@code rank - 1}. */
  public int channelAxis(int rank) {
    return channelsFirst() ? 1 : rank - 1;
  }

  /** The number of channels of a tensor of this layout (-1 when unknown). */
  public long channels(Shape s) {
    return s.size(channelAxis(s.numDimensions()));
  }

  /** The spatial dimensions (-1 for unknown ones) of a tensor of this layout. */
  public long[] spatial(Shape s) {
    int rank = s.numDimensions();
    long[] out = new long[rank - 2];
    int first = channelsFirst() ? 2 : 1;
    for (int i = 0; i < out.length; i++) {
      out[i] = s.size(first + i);
    }
    return out;
  }

  /** {@code s} with its spatial dimensions replaced by {@code spatial}. */
  public Shape withSpatial(Shape s, long[] spatial) {
    long[] a = s.asArray();
    int first = channelsFirst() ? 2 : 1;
    System.arraycopy(spatial, 0, a, first, spatial.length);
    return Shape.of(a);
  }

  /** {@code s} with its channel dimension replaced by {@code channels}. */
  public Shape withChannels(Shape s, long channels) {
    long[] a = s.asArray();
    a[channelAxis(a.length)] = channels;
    return Shape.of(a);
  }

  /** {@code (batch, channels, spatial...)} to {@code (batch, spatial..., channels)}; else x. */
  public Operand<TFloat32> toChannelsLast(Ops tf, Operand<TFloat32> x) {
    if (!channelsFirst()) {
      return x;
    }
    int rank = x.shape().numDimensions();
    int[] perm = new int[rank];
    for (int i = 1; i < rank - 1; i++) {
      perm[i] = i + 1;
    }
    perm[rank - 1] = 1;
    return tf.linalg.transpose(x, tf.constant(perm));
  }

  /** The inverse of {@link #toChannelsLast}. */
  public Operand<TFloat32> fromChannelsLast(Ops tf, Operand<TFloat32> x) {
    if (!channelsFirst()) {
      return x;
    }
    int rank = x.shape().numDimensions();
    int[] perm = new int[rank];
    perm[1] = rank - 1;
    for (int i = 2; i < rank; i++) {
      perm[i] = i - 1;
    }
    return tf.linalg.transpose(x, tf.constant(perm));
  }

  /** The Keras name, e.g. {@code channels_last}. */
  public String keras() {
    return name().toLowerCase(Locale.ROOT);
  }
}
