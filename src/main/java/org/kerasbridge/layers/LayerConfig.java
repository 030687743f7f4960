package org.kerasbridge.layers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A Keras layer config ({@code {"name": ..., "units": ..., ...}}) with Keras's key names, read
 * once by the layer's constructor. Every key a layer reads is marked; keys nobody read are
 * reported as unsupported arguments by {@link #finish()}, so an argument KerasBridge does not
 * implement is never silently ignored. Values that are read but not supported are reported
 * through {@link #unsupported}, and all problems of a model are listed together.
 */
public final class LayerConfig {
  /** Keys every Keras layer may carry that do not change what it computes. */
  private static final Set<String> BASE_KEYS = Set.of("name", "trainable", "dtype",
      "batch_input_shape", "batch_shape", "input_shape", "input_dtype", "build_config",
      "compile_config", "shared_object_id", "module", "registered_name", "autocast",
      "input_dim_keras1");

  private final String className;
  private final ObjectNode config;
  private final Problems problems;
  private final String kerasVersion;
  private final Set<String> used = new LinkedHashSet<>();

  public LayerConfig(String className, JsonNode config, Problems problems, String kerasVersion) {
    this.className = className;
    this.config = config instanceof ObjectNode o ? o : JsonNodeFactory.instance.objectNode();
    this.problems = problems;
    this.kerasVersion = kerasVersion == null ? "" : kerasVersion;
  }

  public String className() {
    return className;
  }

  public String name() {
    JsonNode n = config.get("name");
    return n == null || n.isNull() ? className.toLowerCase(java.util.Locale.ROOT) : n.asText();
  }

  /** The raw config, as read (for export and for nested configs). */
  public ObjectNode raw() {
    return config;
  }

  public Problems problems() {
    return problems;
  }

  /** The {@code keras_version} of the file ("" for models built in Java). */
  public String kerasVersion() {
    return kerasVersion;
  }

  /** True when the file was written by Keras 1 or 2 (standalone or tf.keras). */
  public boolean isKeras2OrOlder() {
    return kerasVersion.startsWith("1.") || kerasVersion.startsWith("2.");
  }

  public boolean has(String key) {
    JsonNode n = config.get(key);
    return n != null && !n.isNull();
  }

  /**
   * The value, marked as read; null when absent. A value that is a serialized custom object
   * (Python code Keras would import) is reported as a problem, whatever the caller makes of it.
   */
  public JsonNode node(String key) {
    boolean first = used.add(key);
    JsonNode n = config.get(key);
    String custom = org.kerasbridge.io.KerasJson.codeReference(n);
    if (first && custom != null) {
      problems.add("layer '" + name() + "' (" + className + ") argument '" + key + "' is "
          + custom + "; KerasBridge never imports or runs code named in a model file");
    }
    return n == null || n.isNull() ? null : n;
  }

  public String getString(String key, String dflt) {
    JsonNode n = node(key);
    if (n == null) {
      return dflt;
    }
    if (!n.isTextual()) {
      unsupported(key, n, "a string");
      return dflt;
    }
    return n.asText();
  }

  public int getInt(String key, int dflt) {
    JsonNode n = node(key);
    if (n == null) {
      return dflt;
    }
    if (!n.canConvertToInt() || !n.isIntegralNumber() && n.asDouble() != n.asInt()) {
      unsupported(key, n, "a whole number");
      return dflt;
    }
    return n.asInt();
  }

  /** A required whole number; absence is reported and {@code 1} returned to keep reading. */
  public int requireInt(String key) {
    if (!has(key)) {
      used.add(key);
      problems.add(where() + ": argument '" + key + "' is missing");
      return 1;
    }
    return getInt(key, 1);
  }

  /**
   * A positive whole number such as {@code units}, {@code filters} or {@code output_dim}: zero,
   * negative, fractional, non-numeric or larger-than-int values are reported (naming the layer,
   * the argument and what was expected) and {@code dflt} is returned to keep reading, so no such
   * value ever reaches a TensorFlow op.
   */
  public int getPositiveInt(String key, int dflt) {
    JsonNode n = node(key);
    if (n == null) {
      return dflt;
    }
    if (!isWholeNumber(n) || n.asLong() < 1) {
      unsupported(key, n, "a positive whole number");
      return dflt;
    }
    return n.asInt();
  }

  /** A required positive whole number; absence is reported and {@code 1} returned. */
  public int requirePositiveInt(String key) {
    if (!has(key)) {
      used.add(key);
      problems.add(where() + ": argument '" + key + "' is missing (expected a positive whole"
          + " number)");
      return 1;
    }
    return getPositiveInt(key, 1);
  }

  /**
   * An int or a tuple of {@code rank} ints, each positive (kernel sizes, strides, dilation rates,
   * pool sizes, upsampling factors); anything else is reported and {@code dflt} returned.
   */
  public int[] getPositiveIntTuple(String key, int rank, int[] dflt) {
    JsonNode raw = config.get(key);
    int[] v = getIntTuple(key, rank, dflt);
    if (v == dflt) {
      return dflt;
    }
    for (int x : v) {
      if (x < 1) {
        unsupported(key, raw, "positive whole numbers (one or a tuple of " + rank + ")");
        return dflt;
      }
    }
    return v;
  }

  private static boolean isWholeNumber(JsonNode n) {
    return n.isNumber() && n.canConvertToInt()
        && (n.isIntegralNumber() || n.asDouble() == Math.rint(n.asDouble()));
  }

  public double getDouble(String key, double dflt) {
    JsonNode n = node(key);
    if (n == null) {
      return dflt;
    }
    if (!n.isNumber()) {
      unsupported(key, n, "a number");
      return dflt;
    }
    return n.asDouble();
  }

  /** A nullable number: Keras's {@code None} comes back as null. */
  public Double getNullableDouble(String key) {
    JsonNode n = node(key);
    if (n == null) {
      return null;
    }
    if (!n.isNumber()) {
      unsupported(key, n, "a number or null");
      return null;
    }
    return n.asDouble();
  }

  public boolean getBoolean(String key, boolean dflt) {
    JsonNode n = node(key);
    if (n == null) {
      return dflt;
    }
    if (!n.isBoolean()) {
      unsupported(key, n, "true or false");
      return dflt;
    }
    return n.asBoolean();
  }

  /**
   * An int or a tuple of {@code rank} ints (Keras's {@code kernel_size=3} or {@code (3, 3)}).
   */
  public int[] getIntTuple(String key, int rank, int[] dflt) {
    JsonNode n = node(key);
    if (n == null) {
      return dflt;
    }
    int[] out = new int[rank];
    if (n.isIntegralNumber() && n.canConvertToInt()) {
      java.util.Arrays.fill(out, n.asInt());
      return out;
    }
    if (n.isArray() && n.size() == rank) {
      for (int i = 0; i < rank; i++) {
        if (!n.get(i).isIntegralNumber() || !n.get(i).canConvertToInt()) {
          unsupported(key, n, "a whole number or a tuple of " + rank);
          return dflt;
        }
        out[i] = n.get(i).asInt();
      }
      return out;
    }
    unsupported(key, n, "a whole number or a tuple of " + rank);
    return dflt;
  }

  /** Largest rank a shape from a file may have (TensorFlow's own limit is 254). */
  public static final int MAX_RANK = 32;

  /**
   * A list of dimensions where null entries ({@code None}) become -1. Every other entry must be a
   * positive whole number below 2^31, and the rank at most {@link #MAX_RANK}; anything else
   * (negative, zero, fractional, huge, a string) is reported and null returned.
   */
  public long[] getShape(String key) {
    JsonNode n = node(key);
    if (n == null) {
      return null;
    }
    if (!n.isArray() || n.size() > MAX_RANK) {
      unsupported(key, n, "a list of at most " + MAX_RANK + " dimensions");
      return null;
    }
    long[] out = new long[n.size()];
    for (int i = 0; i < n.size(); i++) {
      JsonNode d = n.get(i);
      if (d.isNull()) {
        out[i] = -1;
      } else if (isWholeNumber(d) && d.asLong() >= 1) {
        out[i] = d.asLong();
      } else {
        unsupported(key, n, "dimensions that are positive whole numbers below 2^31 or null");
        return null;
      }
    }
    return out;
  }

  /** Reads a string that must be one of {@code allowed}; anything else is reported. */
  public String getChoice(String key, String dflt, String... allowed) {
    String v = getString(key, dflt);
    for (String a : allowed) {
      if (a.equals(v)) {
        return v;
      }
    }
    unsupported(key, config.get(key), "one of " + String.join(", ", allowed));
    return dflt;
  }

  /**
   * Accepts an argument only while it holds a value that changes nothing (e.g. {@code
   * unroll=false} on a layer that has no such option here); anything else is reported.
   */
  public void requireNeutral(String key, Object neutral) {
    JsonNode n = node(key);
    if (n == null) {
      return;
    }
    boolean ok = neutral == null ? n.isNull()
        : neutral instanceof Boolean b ? n.isBoolean() && n.asBoolean() == b
        : neutral instanceof Number num ? n.isNumber() && n.asDouble() == num.doubleValue()
        : n.asText().equals(neutral.toString());
    if (!ok) {
      unsupported(key, n, neutral == null ? "null" : neutral.toString()
          + " (other values are not supported)");
    }
  }

  /** Marks keys as read without using them (e.g. constraints, which only act during fit). */
  public void ignore(String... keys) {
    used.addAll(List.of(keys));
  }

  /** Reports {@code key=value} as unsupported, saying what is supported instead. */
  public void unsupported(String key, JsonNode value, String expected) {
    problems.add(where() + ": argument '" + key + "' = " + value + " is not supported (expected "
        + expected + ")");
  }

  /** Reports something about this layer as unsupported. */
  public void unsupported(String what) {
    problems.add(where() + ": " + what);
  }

  /** "layer 'dense_1' (Dense)", the prefix of every message about this layer. */
  public String where() {
    return "layer '" + name() + "' (" + className + ")";
  }

  /** Reports every key no constructor read. Call once the layer has read its config. */
  public void finish() {
    List<String> unknown = new ArrayList<>();
    for (Iterator<String> it = config.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!used.contains(k) && !BASE_KEYS.contains(k)) {
        unknown.add(k);
      }
    }
    for (String k : unknown) {
      problems.add(where() + ": argument '" + k + "' = " + config.get(k)
          + " is not supported by KerasBridge");
    }
  }
}
