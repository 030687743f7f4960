package org.kerasbridge;

import java.util.List;

/**
 * The input is well formed but asks for something KerasBridge does not implement (a layer, an
 * argument value, a Lambda layer's Python code). Lists every unsupported item at once.
 */
public class UnsupportedFeatureException extends KerasBridgeException {
  private static final long serialVersionUID = 1L;
  private final List<String> items;

  public UnsupportedFeatureException(String message) {
    this(message, List.of());
  }

  public UnsupportedFeatureException(String message, List<String> items) {
    super(items.isEmpty() ? message : message + ": " + String.join("; ", items));
    this.items = List.copyOf(items);
  }

  /** Each unsupported item, one sentence each. */
  public List<String> items() {
    return items;
  }
}
