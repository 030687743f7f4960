package org.kerasbridge;

/**
 * Root of every error KerasBridge raises on purpose. Messages name the file, layer and argument
 * involved and say what was expected, so a user can act on the one line the CLI prints.
 */
public class KerasBridgeException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public KerasBridgeException(String message) {
    super(message);
  }

  public KerasBridgeException(String message, Throwable cause) {
    super(message, cause);
  }
}
