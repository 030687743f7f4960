package org.kerasbridge;

/**
 * A file, array or argument handed to KerasBridge is malformed: a truncated {@code .npy}, a model
 * file that is not what its extension says, an input of the wrong dtype or shape.
 */
public class InvalidInputException extends KerasBridgeException {
  private static final long serialVersionUID = 1L;

  public InvalidInputException(String message) {
    super(message);
  }

  public InvalidInputException(String message, Throwable cause) {
    super(message, cause);
  }
}
