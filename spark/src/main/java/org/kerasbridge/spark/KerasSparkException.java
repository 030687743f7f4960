package org.kerasbridge.spark;

import org.kerasbridge.KerasBridgeException;

/**
 * A scoring error on Spark: a bad parameter, a column of the wrong type, a row of the wrong
 * length or shape, or a model that cannot be loaded. The message names the column (or parameter)
 * and what was expected.
 */
public class KerasSparkException extends KerasBridgeException {
  private static final long serialVersionUID = 1L;

  public KerasSparkException(String message) {
    super(message);
  }

  public KerasSparkException(String message, Throwable cause) {
    super(message, cause);
  }
}
