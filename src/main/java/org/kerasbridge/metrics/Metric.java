package org.kerasbridge.metrics;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * A Keras mean metric ({@code MeanMetricWrapper}): a per-sample value whose weighted mean over
 * all samples seen is the result. The graph gives per-batch sums; the training loop
 * accumulates them across batches as Keras's {@code total}/{@code count} do.
 *
 * @param name the name it is logged under ({@code accuracy}, {@code mae}, ...)
 * @param fn the per-sample values
 */
public record Metric(String name, Fn fn) {
  /** Per-sample metric values from labels and predictions. */
  @FunctionalInterface
  public interface Fn {
    Operand<TFloat32> apply(Ops tf, Operand<TFloat32> yTrue, Operand<TFloat32> yPred);
  }
}
