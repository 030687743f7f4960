package org.kerasbridge.io;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.kerasbridge.ndarray.NpyArray;

/**
 * A model file read once into a neutral form: the Keras 3 config and the weights by layer. Readers
 * produce it ({@link ModelFiles}), {@link org.kerasbridge.layers} consume it, writers serialize it
 * back. Nothing here builds TensorFlow ops.
 *
 * <h2>The normalized config schema</h2>
 * Every reader hands out the same schema, whatever wrote the file (Keras 1/2 configs are
 * translated by {@link org.kerasbridge.io.h5.Keras2Translator}, and Keras 3's own variant forms
 * are normalized by {@link ConfigNormalizer}):
 * <pre>
 * model    = {"class_name": "Sequential" | "Functional", "config": {...}}   (+ extras, see below)
 * Sequential config = {"name": str, "layers": [layer, ...], "trainable"?: bool, "dtype"?: str}
 *     layers[0] is an InputLayer whenever the input shape is known (explicit, a Keras 2 first
 *     layer's batch_input_shape, or build_input_shape); layer = {"class_name", "config"}
 * Functional config = {"name": str, "trainable"?: bool,
 *     "layers": [{"class_name", "config", "name": str, "inbound_nodes": [node, ...]}, ...],
 *     "input_layers": [[layer, node, tensor], ...], "output_layers": [[layer, node, tensor], ...],
 *     "input_keys"? / "output_keys"?: [str, ...]   (only when the model took a dict; the triples
 *     are then in sorted-key order, as Keras flattens a dict)}
 * node   = {"args": [arg, ...], "kwargs": {...}}: a layer called on one tensor has
 *     args = [tensor]; a merge layer called on a list has args = [[tensor, tensor, ...]]
 * tensor = {"class_name": "__keras_tensor__", "config": {"shape": [...] | null,
 *     "dtype": str | null, "keras_history": [layer, node, tensor]}}   (shape and dtype are null
 *     in translated Keras 1/2 configs; rely on keras_history only)
 * InputLayer config = {"batch_shape": [null | int, ...], "dtype": str, "sparse": bool,
 *     "name": str, ("ragged", "optional" when the file has them)}
 * </pre>
 * <ul>
 *   <li><b>Node indices</b>, in {@code keras_history} and in {@code input_layers}/
 *       {@code output_layers} alike, are the 0-based position of the call in the referenced
 *       layer's {@code inbound_nodes}. (Keras 3 files add 1 for nested Functional layers in
 *       input/output_layers and Keras 2 files add 1 for every nested model everywhere; both are
 *       removed.)
 *   <li><b>dtype</b> anywhere (layer configs, model configs) is the Keras dtype-policy name as a
 *       plain string: {@code "float32"}, {@code "mixed_float16"}, {@code "int8_from_float32"};
 *       never a policy dict.
 *   <li><b>Nested models</b> are layer entries whose {@code class_name} is {@code Sequential} or
 *       {@code Functional} and whose {@code config} follows this same schema, recursively
 *       (inside a Functional they also carry {@code name} and {@code inbound_nodes}). Models
 *       inside wrappers ({@code config.layer}) are normalized too.
 *   <li><b>Extras</b> such as {@code module}, {@code registered_name}, {@code build_config},
 *       {@code build_input_shape} are kept when the file has them; nothing downstream may need
 *       them. Layer arguments are kept verbatim except the Keras 2 translations listed in
 *       {@code translations}; activation names are never translated ({@code hard_sigmoid} depends
 *       on {@code kerasVersion}). Lambda layers keep their (never executed) bytecode as text.
 * </ul>
 *
 * <h2>Weights</h2>
 * {@code weights} maps each top-level layer name, in config order, to its weights in Keras 3's
 * {@code layer.weights} order: the layer's own variables (trainable then non-trainable, in
 * creation order), then each sublayer's weights in tracking order. So a nested model lists its
 * inner layers one after another in config order ({@code dense.kernel, dense.bias, bn.gamma,
 * bn.beta, bn.moving_mean, bn.moving_variance, dense_1.kernel, ...}); a Bidirectional lists the
 * forward layer then the backward layer; an RNN its cell; StackedRNNCells its cells in order;
 * TimeDistributed its inner layer; MultiHeadAttention query, key, value, output. Legacy HDF5
 * stores nested models as all-trainable-then-all-non-trainable; the reader regroups that (see
 * {@code io.h5.LegacyWeightOrder}), so {@code .keras} and {@code .h5} of one model give
 * identical lists. {@link NamedArray#name()} is the name the file gives: in HDF5 the
 * {@code weight_names} entry ({@code dense_1/kernel:0}, {@code inner/bn/gamma}); in
 * {@code .keras}/{@code .weights.h5} the variable's path below the layer's group
 * ({@code vars/0}, {@code forward_layer/cell/vars/1}, {@code layers/dense/vars/0}), since that
 * format stores no variable names. Match weights by position, not by name. Float weights are
 * float32 (float64/float16 stored values are converted as Keras converts them on assignment, each
 * conversion noted in {@code translations}) except in layers whose dtype policy is float64.
 *
 * <h2>Optimizer variables</h2>
 * Keyed by the path the file gives, in the file's order, which is Keras's
 * {@code optimizer.variables} order ({@code iteration}, {@code learning_rate}, then the slots per
 * trainable variable): in {@code .keras}/{@code .weights.h5} {@code optimizer/vars/0},
 * {@code optimizer/vars/1}, ... (the format stores no names, and the Keras variable paths cannot
 * be derived without building the model); in HDF5 the {@code weight_names} entry
 * ({@code adam/iteration}, {@code adam/dense_kernel_momentum}; Keras 2: {@code Adam/iter:0},
 * {@code Adam/dense/kernel/m:0}, or {@code training/Adam/Variable_3:0}).
 *
 * @param source the file or directory it was read from
 * @param format what kind of file that was
 * @param kerasVersion the {@code keras_version} the file declares ("" when absent: a Keras 3
 *     {@code .weights.h5} with a Keras 3 config JSON, since Keras 3 writes the version into
 *     neither, or an early Keras 1 {@code .h5}, which Keras itself then reads as version 1; the
 *     format tells them apart: {@link Format#H5_KERAS2} means Keras 1/2 semantics)
 * @param modelConfig the model config in the normalized Keras 3 schema above. Keras 1/2 files are
 *     translated on read; each translation is listed in {@code translations}
 * @param weights for each top-level layer (by name, in config order) its weights in Keras's
 *     {@code layer.weights} order (trainable then non-trainable, in creation order). For a nested
 *     model layer, or a wrapper such as Bidirectional, the list is the concatenation of its inner
 *     layers' weights in that same order (see above). Layers without weights are absent
 * @param compileConfig Keras 3 {@code compile_config} ({@code optimizer}, {@code loss},
 *     {@code metrics}, ...) or null when the file was saved uncompiled. From a legacy HDF5 it is
 *     built from {@code training_config} ({@code optimizer_config} becomes {@code optimizer})
 * @param optimizerVariables the optimizer's variables by the path the file gives, in Keras's
 *     order ({@code iteration}, {@code learning_rate}?, then slots), or empty when not saved
 * @param translations each Keras 1/2 to Keras 3 config translation applied, and each stored
 *     weight dtype conversion, one sentence each
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
