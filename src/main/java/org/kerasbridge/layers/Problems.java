package org.kerasbridge.layers;

import java.util.ArrayList;
import java.util.List;
import org.kerasbridge.UnsupportedFeatureException;

/**
 * Collects every unsupported layer, argument and value found while reading a model, so that one
 * error lists them all instead of stopping at the first.
 */
public final class Problems {
  private final String source;
  private final List<String> items = new ArrayList<>();

  /** @param source the file being read, named in the final error */
  public Problems(String source) {
    this.source = source;
  }

  public String source() {
    return source;
  }

  public void add(String item) {
    items.add(item);
  }

  public boolean isEmpty() {
    return items.isEmpty();
  }

  public List<String> items() {
    return List.copyOf(items);
  }

  /** Throws one {@link UnsupportedFeatureException} listing everything collected, if anything. */
  public void throwIfAny() {
    if (!items.isEmpty()) {
      throw new UnsupportedFeatureException(source + ": " + items.size()
          + " unsupported item(s)", items);
    }
  }
}
