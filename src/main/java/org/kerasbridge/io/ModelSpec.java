package org.kerasbridge.io;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.kerasbridge.ndarray.NpyArray;

/**
 * A model file read once into a neutral form: the Keras 3 config and the weights by layer. Readers
 * produce it, {@link org.kerasbridge.layers} consume it, writers serialize it back. Nothing here
 * builds TensorFlow ops.
 *
 * @param source the file or directory it was read from
 * @param format what kind of file that was
 * @param kerasVersion the {@code keras_version} the file declares ("" when absent)
 * @param modelConfig the model config in Keras 3's schema: {@code {"class_name": "Sequential" |
 *     "Functional", "config": {...}}}. Keras 1/2 files are translated on read; each translation
 *     is listed in {@code translations}
 * @param weights for each top-level layer (by name, in config order) its weights in Keras's
 *     {@code layer.weights} order (trainable then non-trainable, in creation order). For a nested
 *     model layer, or a wrapper such as Bidirectional, the list is the concatenation of its inner
 *     layers' weights in that same order. Layers without weights may be absent
 * @param compileConfig Keras 3 {@code compile_config} ({@code optimizer}, {@code loss},
 *     {@code metrics}, ...) or null when the file was saved uncompiled
 * @param optimizerVariables the optimizer's variables by Keras path in Keras's order
 *     ({@code iteration}, {@code learning_rate}?, then slots), or empty when not saved
 * @param translations each Keras 1/2 to Keras 3 config translation applied, one sentence each
 */
public record ModelSpec(Path source, Format format, String kerasVersion, JsonNode modelConfig,
    Map<String, List<NamedArray>> weights, JsonNode compileConfig,
    Map<String, NpyArray> optimizerVariables, List<String> translations) {

  /** The formats KerasBridge reads. */
  public enum Format {
    /** Keras 3 {@code .keras} zip. */
    KERAS_V3,
    /** Legacy HDF5 written by Keras 3 ({@code keras_version} 3.x). */
    H5_KERAS3,
    /** Legacy HDF5 written by Keras 2.x / tf.keras 2.x (or Keras 1.x, translated). */
    H5_KERAS2,
    /** {@code .weights.h5} together with a config JSON. */
    WEIGHTS_H5,
    /** TensorFlow SavedModel directory. */
    SAVED_MODEL
  }

  /** One stored weight: its name as the file gives it (e.g. {@code kernel}) and its value. */
  public record NamedArray(String name, NpyArray array) {}

  public ModelSpec {
    weights = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(weights));
    optimizerVariables = optimizerVariables == null ? Map.of()
        : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(optimizerVariables));
    translations = List.copyOf(translations);
  }

  /** The layer weights of {@code layerName}, or an empty list. */
  public List<NamedArray> weightsOf(String layerName) {
    return weights.getOrDefault(layerName, List.of());
  }
}
