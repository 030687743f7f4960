package org.kerasbridge.layers.conv;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.kerasbridge.layers.LayerConfig;

/**
 * The sliding window of a convolution or pooling layer over {@code rank} (1 or 2) spatial axes:
 * its size ({@code kernel_size} / {@code pool_size}), {@code strides}, {@code dilation_rate} and
 * {@code padding}, with TensorFlow's output-length rule per axis, where {@code k' = (k - 1) * d +
 * 1} is the dilated window:
 *
 * <ul>
 *   <li>{@code valid}: {@code floor((n - k') / s) + 1}
 *   <li>{@code same}: {@code ceil(n / s)}, padding {@code max((out - 1) * s + k' - n, 0)} split
 *       with the extra element after (bottom/right)
 *   <li>{@code causal} (Conv1D only): the input is left-padded by {@code k' - 1} zeros, then
 *       {@code valid}, so the length is {@code ceil(n / s)} too
 * </ul>
 *
 * <p>Internally every op runs on 4-D NHWC tensors; a 1-D window works on {@code (batch, 1, steps,
 * channels)}, as TensorFlow's own {@code conv1d} and {@code max_pool1d} do, so the window's 4-D
 * lists have a unit height.
 */
public final class Window {
  /** Keras's padding modes. */
  public enum Padding {
    VALID,
    SAME,
    CAUSAL;

    /** The TensorFlow op attribute ({@code causal} is padded by hand, then {@code VALID}). */
    public String tf() {
      return this == SAME ? "SAME" : "VALID";
    }

    public String keras() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * The largest convolution stride accepted. TF 2.18's oneDNN convolution gradients refuse a
   * stride of 32,768 ("could not create a primitive") and crash the JVM at 65,536 (measured on the
   * kernel and input gradients of Conv2D); no real model comes near it.
   */
  public static final int MAX_CONV_STRIDE = 32_767;

  private final int rank;
  private final int[] size;
  private final int[] strides;
  private final int[] dilation;
  private final Padding padding;

  public Window(int rank, int[] size, int[] strides, int[] dilation, Padding padding) {
    this.rank = rank;
    this.size = size.clone();
    this.strides = strides.clone();
    this.dilation = dilation.clone();
    this.padding = padding;
  }

  /**
   * Reads a convolution window: {@code kernel_size} (required), {@code strides} and
   * {@code dilation_rate} (default 1), {@code padding} (default {@code valid}). Non-positive
   * values are reported as Keras rejects them.
   */
  public static Window convFromConfig(LayerConfig c, int rank, boolean allowCausal) {
    int[] ones = ones(rank);
    if (!c.has("kernel_size")) {
      c.node("kernel_size");
      c.unsupported("argument 'kernel_size' is missing");
    }
    int[] k = c.getPositiveIntTuple("kernel_size", rank, ones);
    int[] s = c.getPositiveIntTuple("strides", rank, ones);
    for (int v : s) {
      if (v > MAX_CONV_STRIDE) {
        c.unsupported("strides", c.node("strides"), "values up to " + MAX_CONV_STRIDE
            + ": TensorFlow's CPU convolution kernels (oneDNN) fail on strides of 32,768 and"
            + " more, and abort the process from 65,536 (training)");
        break;
      }
    }
    int[] d = c.getPositiveIntTuple("dilation_rate", rank, ones);
    return new Window(rank, k, s, d, readPadding(c, allowCausal));
  }

  /**
   * Reads a pooling window: {@code pool_size} (default {@code dfltSize} on every axis),
   * {@code strides} (Keras's rule: {@code None} means {@code pool_size}), {@code padding}.
   */
  public static Window poolFromConfig(LayerConfig c, int rank, int dfltSize) {
    int[] dflt = new int[rank];
    Arrays.fill(dflt, dfltSize);
    int[] k = c.getPositiveIntTuple("pool_size", rank, dflt);
    int[] s = c.getPositiveIntTuple("strides", rank, k);
    return new Window(rank, k, s, ones(rank), readPadding(c, false));
  }

  /** Keras's {@code standardize_padding}: case-insensitive valid/same (and causal for Conv1D). */
  public static Padding readPadding(LayerConfig c, boolean allowCausal) {
    JsonNode n = c.node("padding");
    if (n == null) {
      return Padding.VALID;
    }
    String v = n.isTextual() ? n.asText().toLowerCase(Locale.ROOT) : "";
    switch (v) {
      case "valid":
        return Padding.VALID;
      case "same":
        return Padding.SAME;
      case "causal":
        if (allowCausal) {
          return Padding.CAUSAL;
        }
        break;
      default:
        break;
    }
    c.unsupported("padding", n, allowCausal ? "valid, same or causal" : "valid or same");
    return Padding.VALID;
  }

  private static int[] ones(int rank) {
    int[] o = new int[rank];
    Arrays.fill(o, 1);
    return o;
  }

  public int rank() {
    return rank;
  }

  public int[] size() {
    return size.clone();
  }

  public int[] strides() {
    return strides.clone();
  }

  public int[] dilation() {
    return dilation.clone();
  }

  public Padding padding() {
    return padding;
  }

  public boolean strided() {
    return Arrays.stream(strides).anyMatch(s -> s > 1);
  }

  public boolean dilated() {
    return Arrays.stream(dilation).anyMatch(d -> d > 1);
  }

  /** The dilated window length on {@code axis}: {@code (k - 1) * d + 1}. */
  public int effectiveSize(int axis) {
    return (size[axis] - 1) * dilation[axis] + 1;
  }

  /** The output length on {@code axis} for input length {@code n} (-1 stays -1). */
  public long outputLength(int axis, long n) {
    if (n < 0) {
      return -1;
    }
    long s = strides[axis];
    if (padding == Padding.VALID) {
      return Math.floorDiv(n - effectiveSize(axis), s) + 1;
    }
    return (n + s - 1) / s;
  }

  /** The output spatial shape, or the first axis where it would be empty, as an exception text. */
  public String checkOutput(long[] spatial) {
    for (int i = 0; i < rank; i++) {
      if (spatial[i] >= 0 && outputLength(i, spatial[i]) <= 0) {
        return "the computed output size would be zero or negative on spatial axis " + i
            + " (input length " + spatial[i] + ", window " + size[i] + ", dilation "
            + dilation[i] + ", stride " + strides[i] + ", padding " + padding.keras() + ")";
      }
    }
    return null;
  }

  /** {@code [1, h, w, 1]} for the 4-D NHWC op from per-axis values (height 1 for rank 1). */
  static List<Long> nhwc(int[] v, int unit) {
    List<Long> out = new ArrayList<>();
    out.add(1L);
    if (v.length == 1) {
      out.add((long) unit);
    }
    for (int x : v) {
      out.add((long) x);
    }
    out.add(1L);
    return out;
  }

  /** The window size as a 4-D NHWC list ({@code ksize} of the pooling ops). */
  public List<Long> size4d() {
    return nhwc(size, 1);
  }

  /** The strides as a 4-D NHWC list. */
  public List<Long> strides4d() {
    return nhwc(strides, 1);
  }

  /** The dilations as a 4-D NHWC list. */
  public List<Long> dilations4d() {
    return nhwc(dilation, 1);
  }
}
