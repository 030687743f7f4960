package org.kerasbridge.model;

import java.util.Map;

/**
 * Keras's {@code LearningRateScheduler}: before each epoch sets the optimizer's learning rate to
 * {@code schedule(epoch, currentRate)}. Works with a constant learning rate, as in Keras.
 */
public final class LearningRateScheduler implements Callback {
  /** The schedule: epoch (0-based) and current rate to the new rate. */
  @FunctionalInterface
  public interface Schedule {
    double rate(int epoch, double currentRate);
  }

  private final Schedule schedule;

  public LearningRateScheduler(Schedule schedule) {
    this.schedule = schedule;
  }

  @Override
  public void onEpochBegin(KerasModel model, int epoch) {
    double current = model.optimizer().learningRate();
    model.optimizer().setLearningRate(schedule.rate(epoch, current));
  }

  @Override
  public void onEpochEnd(KerasModel model, int epoch, Map<String, Double> logs) {
    logs.put("learning_rate", model.optimizer().learningRate());
  }
}
