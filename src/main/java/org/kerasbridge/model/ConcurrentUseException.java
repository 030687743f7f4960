package org.kerasbridge.model;

import org.kerasbridge.KerasBridgeException;

/**
 * A model was used in a way its thread-safety rules refuse: training it from a second thread
 * while one {@code fit} (or another training call) runs, or using it after {@code close()}. See
 * {@link KerasModel} for the rules.
 */
public final class ConcurrentUseException extends KerasBridgeException {
  private static final long serialVersionUID = 1L;

  public ConcurrentUseException(String message) {
    super(message);
  }
}
