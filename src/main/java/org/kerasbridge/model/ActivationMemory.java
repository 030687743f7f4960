package org.kerasbridge.model;

import java.util.Map;
import org.kerasbridge.MemoryLimit;
import org.kerasbridge.layers.Shapes;
import org.tensorflow.ndarray.Shape;

/**
 * The largest layer output of a traced graph, per sample, so that a batch whose outputs alone
 * would exceed {@link MemoryLimit} is refused before TensorFlow allocates it (a padding or
 * up-sampling argument of 10^9 in a file otherwise makes TF fill gigabytes for minutes). Only
 * outputs whose per-sample shape is fully known count; it is a lower bound of what a run needs.
 */
record ActivationMemory(String layer, Shape shape, long bytesPerSample) {
  /** Below this many bytes per batch nothing is checked (no need to read the memory limit). */
  static final long TRIVIAL = 64L << 20;

  static final ActivationMemory NONE = new ActivationMemory(null, null, 0);

  /** The largest fully known layer output of {@code layerShapes}, at {@code itemSize} bytes. */
  static ActivationMemory of(Map<String, Shape> layerShapes, int itemSize) {
    ActivationMemory max = NONE;
    for (Map.Entry<String, Shape> e : layerShapes.entrySet()) {
      long bytes = perSample(e.getValue(), itemSize);
      if (bytes < 0 || bytes > max.bytesPerSample) {
        max = new ActivationMemory(e.getKey(), e.getValue(), bytes);
        if (bytes < 0) {
          break; // past 2^63 already
        }
      }
    }
    return max;
  }

  /** Bytes per sample of a shape whose first axis is the batch; 0 when not fully known. */
  static long perSample(Shape s, int itemSize) {
    if (s == null || s.isUnknown() || s.numDimensions() < 1) {
      return 0;
    }
    long[] d = s.asArray();
    d[0] = 1;
    for (long v : d) {
      if (v < 0) {
        return 0;
      }
    }
    return MemoryLimit.sizeOf(d, itemSize);
  }

  /** Refuses {@code batch} samples when this output alone would exceed the memory limit. */
  void check(String source, long batch, String what) {
    long need = bytesPerSample < 0 ? -1 : multiply(bytesPerSample, batch);
    if (need >= 0 && need <= TRIVIAL) {
      return;
    }
    MemoryLimit.check(need, source + ": " + what + " with a batch of " + batch + ": layer '"
        + layer + "' outputs " + Shapes.keras(shape) + ", which alone");
  }

  static long multiply(long a, long b) {
    try {
      return Math.multiplyExact(a, b);
    } catch (ArithmeticException e) {
      return -1;
    }
  }
}
