package org.kerasbridge.data;

import org.kerasbridge.KerasBridgeException;

/**
 * A dataset could not be found locally and could not be downloaded (or the download did not
 * match its published sha256). The message lists every place that was looked at and how to
 * provide the files.
 */
public class DatasetUnavailableException extends KerasBridgeException {
  private static final long serialVersionUID = 1L;

  public DatasetUnavailableException(String message) {
    super(message);
  }

  public DatasetUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
