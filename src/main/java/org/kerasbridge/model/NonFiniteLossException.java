package org.kerasbridge.model;

import org.kerasbridge.KerasBridgeException;

/**
 * {@code fit} stopped because a batch's loss was NaN or infinite, as Keras's
 * {@code TerminateOnNaN} stops training ("Batch N: Invalid loss, terminating training"). Unlike
 * Keras, which then returns normally, this is an error: the step that produced the loss has
 * already updated the weights, which now most likely hold NaN, so the model must not be saved.
 * The CLI's {@code fit --out} therefore writes nothing (an existing OUT is kept) and exits 2.
 * {@link #history()} holds the epochs completed before the failing batch.
 */
public final class NonFiniteLossException extends KerasBridgeException {
  private static final long serialVersionUID = 1L;
  private final transient History history;
  private final int epoch;
  private final int batch;
  private final double loss;

  NonFiniteLossException(String message, int epoch, int batch, double loss, History history) {
    super(message);
    this.epoch = epoch;
    this.batch = batch;
    this.loss = loss;
    this.history = history;
  }

  /** The 0-based epoch of the failing batch. */
  public int epoch() {
    return epoch;
  }

  /** The 0-based index of the failing batch within its epoch. */
  public int batch() {
    return batch;
  }

  /** The batch's loss: NaN or an infinity. */
  public double loss() {
    return loss;
  }

  /** The epochs completed before training stopped. */
  public History history() {
    return history;
  }
}
