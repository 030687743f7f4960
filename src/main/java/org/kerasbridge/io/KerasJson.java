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
      return n;
    } catch (JsonProcessingException e) {
      throw new InvalidInputException(where + ": " + expected + " is not valid JSON: "
          + e.getOriginalMessage(), e);
    }
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
