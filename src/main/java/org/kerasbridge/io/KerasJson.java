package org.kerasbridge.io;

import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.kerasbridge.InvalidInputException;

/**
 * JSON as Keras writes it. Python's {@code json.dumps} emits {@code NaN} and {@code Infinity} for
 * non-finite floats (e.g. a ReLU {@code max_value}), so those are accepted. Parsing only builds a
 * tree of values: nothing in a config is ever executed (a Lambda layer's marshalled bytecode is
 * just a string here).
 */
public final class KerasJson {
  /** Longest string a config may hold: a Lambda layer's bytecode string fits many times over. */
  public static final int MAX_STRING_LENGTH = 64 << 20;

  /**
   * Deepest nesting a config may have. Each nested model adds about four levels, so real configs
   * stay far below; the limit keeps every recursive walk of a config (normalizing, translating,
   * copying) far from the stack's end.
   */
  public static final int MAX_NESTING_DEPTH = 1_000;

  /**
   * The shared mapper; thread-safe. Non-finite numbers are accepted; strings and nesting are held
   * to {@link #MAX_STRING_LENGTH} and {@link #MAX_NESTING_DEPTH}.
   */
  public static final ObjectMapper MAPPER = JsonMapper.builder(new JsonFactoryBuilder()
          .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
          .streamReadConstraints(StreamReadConstraints.builder()
              .maxStringLength(MAX_STRING_LENGTH).maxNestingDepth(MAX_NESTING_DEPTH).build())
          .build())
      .build();

  /**
   * Longest name a file may give a layer, weight, optimizer, loss, metric, activation, class or
   * module (the longest in the corpus and fixtures, 716 files, is 36 characters). Names end up in
   * TensorFlow op and scope names and in messages; a name of millions of characters made graph
   * building crawl (fuzz finding, issue 11), so a longer one is refused when the JSON is read.
   */
  public static final int MAX_NAME_LENGTH = 1_024;

  /**
   * Keys whose values are names: every string below them (through arrays and plain objects such
   * as a loss dict keyed by output) is held to {@link #MAX_NAME_LENGTH}. A serialized Keras object
   * ({@code class_name} present) below them is judged by its own keys, so free text such as a
   * Lambda's bytecode ({@code function}, {@code code}) is never a name.
   */
  private static final java.util.Set<String> NAME_KEYS = java.util.Set.of("name", "class_name",
      "registered_name", "module", "activation", "recurrent_activation", "optimizer", "loss",
      "metrics", "weighted_metrics", "inbound_nodes", "input_layers", "output_layers",
      "keras_history", "dtype", "keras_version", "backend");

  private KerasJson() {}

  /** A node factory for building config trees. */
  public static JsonNodeFactory nodes() {
    return MAPPER.getNodeFactory();
  }

  /**
   * Parses {@code text}.
   *
   * @param where the file (and entry) it came from, for the error message
   * @param expected what the text should have been, for the error message
   * @throws InvalidInputException when the text is not JSON
   */
  public static JsonNode parse(String text, String where, String expected) {
    if (text == null) {
      throw new InvalidInputException(where + ": missing " + expected);
    }
    try {
      JsonNode n = MAPPER.readTree(text);
      if (n == null || n.isMissingNode()) {
        throw new InvalidInputException(where + ": empty " + expected);
      }
      checkNames(n, false, new java.util.ArrayDeque<>(), where, expected);
      return n;
    } catch (JsonProcessingException e) {
      throw new InvalidInputException(where + ": " + expected + " is not valid JSON: "
          + e.getOriginalMessage(), e);
    }
  }

  /**
   * Refuses a name longer than {@link #MAX_NAME_LENGTH}: an object key anywhere, or a string
   * below one of {@link #NAME_KEYS}. {@code path} holds the keys and indices walked so far, turned
   * into text only for the message.
   */
  private static void checkNames(JsonNode n, boolean inName, java.util.Deque<String> path,
      String where, String expected) {
    if (n.isTextual()) {
      if (inName && n.textValue().length() > MAX_NAME_LENGTH) {
        checkName(n.textValue(), where, expected + " field " + pointer(path));
      }
    } else if (n.isObject()) {
      boolean names = inName && !n.has("class_name");
      for (java.util.Iterator<java.util.Map.Entry<String, JsonNode>> it = n.fields();
          it.hasNext(); ) {
        java.util.Map.Entry<String, JsonNode> f = it.next();
        if (f.getKey().length() > MAX_NAME_LENGTH) {
          checkName(f.getKey(), where, expected + " key in " + pointer(path));
        }
        path.addLast(f.getKey());
        checkNames(f.getValue(), names || NAME_KEYS.contains(f.getKey()), path, where, expected);
        path.removeLast();
      }
    } else if (n.isArray()) {
      for (int i = 0; i < n.size(); i++) {
        path.addLast(Integer.toString(i));
        checkNames(n.get(i), inName, path, where, expected);
        path.removeLast();
      }
    }
  }

  /**
   * Refuses {@code value}, a name read from a model file, when it is longer than
   * {@link #MAX_NAME_LENGTH}.
   *
   * @param where the file, for the message
   * @param field what holds the name (a JSON field path, an HDF5 attribute)
   * @throws InvalidInputException naming the file, the field and the length
   */
  public static void checkName(String value, String where, String field) {
    if (value != null && value.length() > MAX_NAME_LENGTH) {
      throw new InvalidInputException(where + ": " + field + " is a name of " + value.length()
          + " characters (starting '" + value.substring(0, 40) + "...'); Keras names are"
          + " short, at most " + MAX_NAME_LENGTH + " characters are accepted");
    }
  }

  private static String pointer(java.util.Collection<String> path) {
    StringBuilder b = new StringBuilder();
    for (String p : path) {
      b.append('/').append(p.length() > 80 ? p.substring(0, 80) + "..." : p);
    }
    return b.length() == 0 ? "/" : b.toString();
  }

  /** Compact JSON text of {@code node}. */
  public static String write(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Describes {@code n} when it is a serialized custom object, one Keras could only rebuild by
   * importing Python code: a {@code module} outside {@code keras} (other than {@code builtins},
   * which Keras writes for plain function names), or a {@code registered_name} naming a class
   * registered with {@code register_keras_serializable} ({@code "Package>Name"}). Returns null
   * for anything else. KerasBridge never imports, loads or runs such code; callers refuse it.
   */
  public static String codeReference(JsonNode n) {
    if (n == null || !n.isObject()) {
      return null;
    }
    JsonNode module = n.get("module");
    JsonNode registered = n.get("registered_name");
    boolean byRegistration = registered != null && registered.isTextual()
        && registered.asText().contains(">");
    if (module != null && module.isTextual() && !module.asText().equals("builtins")
        && !module.asText().equals("keras") && !module.asText().startsWith("keras.")) {
      return "a custom object from the Python module '" + module.asText() + "'"
          + (byRegistration ? " registered as '" + registered.asText() + "'" : "");
    }
    if (byRegistration) {
      return "a custom object registered only in Python as '" + registered.asText() + "'";
    }
    return null;
  }
}
