package org.kerasbridge.model;

import java.util.Map;

/** Hooks into {@code fit}, as Keras's {@code keras.callbacks.Callback}. Epochs are 0-based. */
public interface Callback {
  default void onTrainBegin(KerasModel model) {}

  default void onEpochBegin(KerasModel model, int epoch) {}

  /** {@code logs} holds the epoch's loss, metrics and val_* values. */
  default void onEpochEnd(KerasModel model, int epoch, Map<String, Double> logs) {}

  default void onTrainBatchEnd(KerasModel model, int batch, Map<String, Double> logs) {}

  default void onTrainEnd(KerasModel model) {}
}
