package org.kerasbridge;

/** Two shapes that must agree do not, e.g. a stored weight and the shape the config implies. */
public class ShapeMismatchException extends InvalidInputException {
  private static final long serialVersionUID = 1L;

  public ShapeMismatchException(String message) {
    super(message);
  }

  public ShapeMismatchException(String message, Throwable cause) {
    super(message, cause);
  }
}
