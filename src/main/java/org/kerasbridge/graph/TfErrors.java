package org.kerasbridge.graph;

import org.kerasbridge.KerasBridgeException;

/**
 * TensorFlow's Java exceptions ({@code org.tensorflow.exceptions.*}) extend different JDK
 * exceptions (TFInvalidArgumentException is an IllegalArgumentException, others an
 * IllegalStateException, ...). This recognises all of them and turns them into one
 * {@link KerasBridgeException} that says what KerasBridge was doing.
 */
public final class TfErrors {
  private TfErrors() {}

  /** True when {@code e} was raised by TensorFlow's native runtime. */
  public static boolean isTensorFlowError(Throwable e) {
    return e.getClass().getPackageName().equals("org.tensorflow.exceptions");
  }

  /** Wraps a TensorFlow error with context, keeping only the first line of TF's message. */
  public static KerasBridgeException wrap(String context, RuntimeException e) {
    String m = e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName()
        : e.getMessage().strip();
    int nl = m.indexOf('\n');
    return new KerasBridgeException(context + ": " + (nl < 0 ? m : m.substring(0, nl)), e);
  }
}
