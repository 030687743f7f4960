package org.kerasbridge.losses;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * A Keras loss: a per-sample function ({@link #values}) and Keras 3's reduction ({@link
 * Reductions}). {@code call} gives the scalar Keras's {@code Loss.__call__} returns.
 */
public interface Loss {
  /** The Keras name ({@code mean_squared_error}, ...), for logs and export. */
  String name();

  /**
   * The unreduced losses, one per sample (and per time step etc.): the last axis reduced as Keras
   * reduces it.
   */
  Operand<TFloat32> values(Ops tf, Operand<TFloat32> yTrue, Operand<TFloat32> yPred);

  /**
   * The loss as Keras 3 serializes it in a {@code compile_config}:
   * {@code {"module": "keras.losses", "class_name": ..., "config": {...}}}.
   */
  com.fasterxml.jackson.databind.JsonNode toConfig();

  /** The reduction Keras applies: {@code sum_over_batch_size} (default) or {@code sum}. */
  default String reduction() {
    return "sum_over_batch_size";
  }

  /**
   * Keras's {@code Loss.__call__}: the values, weighted by {@code sampleWeight} (may be null),
   * then reduced.
   */
  default Operand<TFloat32> call(Ops tf, Operand<TFloat32> yTrue, Operand<TFloat32> yPred,
      Operand<TFloat32> sampleWeight) {
    return Reductions.reduceWeighted(tf, values(tf, yTrue, yPred), sampleWeight, reduction());
  }
}
