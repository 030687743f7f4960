package org.kerasbridge.io.h5;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.kerasbridge.InvalidInputException;
import org.kerasbridge.UnsupportedFeatureException;
import org.kerasbridge.io.ConfigNormalizer;
import org.kerasbridge.io.KerasJson;
import org.kerasbridge.io.ModelSpec;
import org.kerasbridge.io.ModelSpec.NamedArray;
import org.kerasbridge.ndarray.DType;
import org.kerasbridge.ndarray.NpyArray;

/**
 * Reads legacy HDF5 model files ({@code model.save("m.h5")} in Keras 1, 2, tf.keras 2.x and Keras
 * 3) into a {@link ModelSpec}.
 *
 * <p>Layout: root attributes {@code model_config} (JSON), {@code keras_version},
 * {@code backend}, {@code training_config} (JSON, when compiled); group {@code model_weights} with
 * attribute {@code layer_names} (the layer order) and one group per layer whose attribute
 * {@code weight_names} orders its datasets (paths relative to that group, such as
 * {@code bidirectional/forward_lstm/lstm_cell/kernel:0}); group {@code optimizer_weights} with
 * attribute {@code weight_names}. Any of these string lists may be split into {@code name0},
 * {@code name1}, ... when large. Order always comes from these attributes, never from the
 * (name-sorted) group listing.
 *
 * <p>The Keras version decides the config path: {@code keras_version} 3.x is only
 * {@linkplain ConfigNormalizer normalized}; anything else (2.x, 1.x, or no version at all, which
 * Keras reads as 1) is first {@linkplain Keras2Translator translated}.
 */
public final class H5ModelReader {
  private H5ModelReader() {}

  /**
   * Reads a full legacy HDF5 model.
   *
   * @throws InvalidInputException naming the file when it is not HDF5, has no
   *     {@code model_config}, or its weights do not match its config
   */
  public static ModelSpec read(Path file) {
    String where = file.toString();
    try (HdfFile h5 = Hdf5.open(file, "a Keras HDF5 model")) {
      String modelConfig = Hdf5.stringAttribute(h5, "model_config");
      if (modelConfig == null) {
        throw new InvalidInputException(where + ": HDF5 file without a \"model_config\" attribute,"
            + " so not a full Keras model (expected an .h5 written by model.save(); for a"
            + " weights-only file use ModelFiles.read(weights, configJson))");
      }
      Group weightsGroup = Hdf5.childGroup(h5, "model_weights");
      String version = Hdf5.stringAttribute(h5, "keras_version");
      if (version == null && weightsGroup != null) {
        version = Hdf5.stringAttribute(weightsGroup, "keras_version");
      }
      version = version == null ? "" : version;
      KerasJson.checkName(version, where, "attribute keras_version");
      boolean keras3 = majorVersion(version) >= 3;
      List<String> translations = new ArrayList<>();
      JsonNode raw = KerasJson.parse(modelConfig, where + " (attribute model_config)",
          "model config");
      ObjectNode config = keras3 ? ConfigNormalizer.normalize(raw, where)
          : Keras2Translator.translate(raw, where, translations);
      JsonNode compile = null;
      String training = Hdf5.stringAttribute(h5, "training_config");
      if (training != null) {
        compile = compileConfig(KerasJson.parse(training, where + " (attribute training_config)",
            "training config"), !keras3, translations);
      }
      Map<String, List<NamedArray>> weights = weightsGroup == null ? Map.of()
          : readLayerWeights(weightsGroup, config, where, translations);
      if (!keras3) {
        inferSequentialInput(config, weights, translations);
      }
      Map<String, NpyArray> optimizer = readOptimizerWeights(h5, where, translations);
      return new ModelSpec(file, keras3 ? ModelSpec.Format.H5_KERAS3 : ModelSpec.Format.H5_KERAS2,
          version, config, weights, compile, optimizer, translations);
    } catch (RuntimeException e) {
      throw wrap(e, where);
    }
  }

  /**
   * tf.keras 1.x saved a Sequential fitted on arrays without any input shape (no InputLayer, no
   * batch_input_shape). Keras 2 built it from the first batch; the file still fixes the shape
   * through the first layer's kernel: a Dense kernel {@code [in, units]} means input
   * {@code (None, in)}. Other first layers are left as they are (the model then reports that it
   * declares no input shape).
   */
  static void inferSequentialInput(ObjectNode config, Map<String, List<NamedArray>> weights,
      List<String> translations) {
    if (!"Sequential".equals(config.path("class_name").asText())) {
      return;
    }
    JsonNode layers = config.path("config").path("layers");
    if (!layers.isArray() || layers.isEmpty()) {
      return;
    }
    JsonNode first = layers.get(0);
    JsonNode fc = first.path("config");
    if (!fc.isObject() || "InputLayer".equals(first.path("class_name").asText())
        || fc.has("batch_shape") || fc.has("batch_input_shape")
        || config.path("config").has("build_input_shape")
        || !"Dense".equals(first.path("class_name").asText())) {
      return;
    }
    String name = fc.path("name").asText();
    List<NamedArray> w = weights.get(name);
    if (w == null || w.isEmpty() || w.get(0).array().rank() != 2) {
      return;
    }
    long in = w.get(0).array().shape()[0];
    ((ObjectNode) fc).putArray("batch_shape").addNull().add(in);
    translations.add("Sequential without an input shape (tf.keras 1.x fit on arrays): input (None, "
        + in + ") taken from the kernel of its first layer '" + name + "'");
  }

  static RuntimeException wrap(RuntimeException e, String where) {
    if (e instanceof org.kerasbridge.KerasBridgeException) {
      return e;
    }
    return new InvalidInputException(where + ": cannot read the HDF5 content (expected a Keras"
        + " model file): " + e, e);
  }

  /** The leading integer of a version string ("2.3.0-tf" gives 2); 1 when there is none. */
  public static int majorVersion(String version) {
    if (version == null) {
      return 1;
    }
    int i = 0;
    while (i < version.length() && Character.isDigit(version.charAt(i))) {
      i++;
    }
    return i == 0 ? 1 : Integer.parseInt(version.substring(0, Math.min(i, 9)));
  }

  /**
   * Reads the legacy per-layer weights in {@code group} (a file's {@code model_weights}, or the
   * root of a Keras 2 weights-only file), keyed by the top-level layers of {@code config} in
   * config order, each list in Keras 3 {@code layer.weights} order (see
   * {@link LegacyWeightOrder}).
   *
   * @param config the normalized model config
   * @param translations receives a note per float64 weight converted to float32
   */
  public static Map<String, List<NamedArray>> readLayerWeights(Group group, JsonNode config,
      String where, List<String> translations) {
    if (!Hdf5.hasAttribute(group, "layer_names")) {
      throw new InvalidInputException(where + ": weights group '" + group.getPath()
          + "' has no \"layer_names\" attribute (expected Keras legacy HDF5 weights)");
    }
    List<String> fileLayers = Hdf5.nameListAttribute(group, "layer_names", where);
    Map<String, JsonNode> entries = new LinkedHashMap<>();
    for (JsonNode l : ConfigNormalizer.layersOf(config)) {
      entries.put(ConfigNormalizer.layerName(l), l);
    }
    Map<String, List<NamedArray>> byName = new HashMap<>();
    Set<String> seen = new HashSet<>();
    for (String layer : fileLayers) {
      if (!seen.add(layer)) {
        throw new InvalidInputException(where + ": layer '" + layer
            + "' appears twice in layer_names");
      }
      Group lg = Hdf5.childGroup(group, layer);
      if (lg == null) {
        throw new InvalidInputException(where + ": layer_names lists '" + layer
            + "' but the weights group has no group of that name");
      }
      List<String> names = Hdf5.nameListAttribute(lg, "weight_names", where);
      if (names.isEmpty()) {
        continue;
      }
      JsonNode entry = entries.get(layer);
      if (entry == null) {
        throw new InvalidInputException(where + ": the weights hold layer '" + layer + "' ("
            + names.size() + " weight(s)) but the model config has no layer of that name"
            + " (config layers: " + entries.keySet() + ")");
      }
      boolean keepFloat64 = "float64".equals(
          ConfigNormalizer.policyName(entry.path("config").get("dtype")));
      List<NamedArray> list = new ArrayList<>(names.size());
      Map<String, Integer> converted = new java.util.TreeMap<>();
      for (String wn : names) {
        Dataset ds = dataset(lg, wn, where, "layer '" + layer + "'");
        list.add(new NamedArray(wn, readWeight(ds, !keepFloat64, where,
            "layer '" + layer + "' weight '" + wn + "'", converted)));
      }
      noteConversions("layer '" + layer + "'", converted, translations);
      byName.put(layer, LegacyWeightOrder.toLayerOrder(entry, list));
    }
    Group top = Hdf5.childGroup(group, "top_level_model_weights");
    if (top != null && !Hdf5.nameListAttribute(top, "weight_names", where).isEmpty()) {
      throw new UnsupportedFeatureException(where + ": the model owns weights outside its layers"
          + " (top_level_model_weights: " + Hdf5.stringListAttribute(top, "weight_names")
          + "); only weights held by layers are supported");
    }
    Map<String, List<NamedArray>> ordered = new LinkedHashMap<>();
    for (String name : entries.keySet()) {
      List<NamedArray> w = byName.get(name);
      if (w != null) {
        ordered.put(name, w);
      }
    }
    return ordered;
  }

  /** The optimizer weights of a legacy file by stored name, in stored order; empty if none. */
  public static Map<String, NpyArray> readOptimizerWeights(HdfFile h5, String where,
      List<String> translations) {
    Map<String, NpyArray> out = new LinkedHashMap<>();
    Group g = Hdf5.childGroup(h5, "optimizer_weights");
    if (g == null) {
      return out;
    }
    Map<String, Integer> converted = new java.util.TreeMap<>();
    for (String wn : Hdf5.nameListAttribute(g, "weight_names", where)) {
      Dataset ds = dataset(g, wn, where, "optimizer_weights");
      if (out.put(wn, readWeight(ds, true, where, "optimizer weight '" + wn + "'",
          converted)) != null) {
        throw new InvalidInputException(where + ": optimizer weight '" + wn + "' listed twice");
      }
    }
    noteConversions("optimizer", converted, translations);
    return out;
  }

  /**
   * Reads {@code ds}; a float dataset that is not float32 is converted (when {@code toFloat32})
   * and counted in {@code converted}, keyed by its stored dtype.
   */
  static NpyArray readWeight(Dataset ds, boolean toFloat32, String where, String what,
      Map<String, Integer> converted) {
    NpyArray a = Hdf5.read(ds, toFloat32, where + ": " + what);
    String stored = Hdf5.numpyTypeName(ds);
    if (a.dtype() == DType.FLOAT32 && !"float32".equals(stored)) {
      converted.merge(stored, 1, Integer::sum);
    }
    return a;
  }

  /** One sentence for the float conversions of one owner (a layer, the optimizer). */
  public static void noteConversions(String owner, Map<String, Integer> converted,
      List<String> translations) {
    converted.forEach((type, n) -> translations.add(owner + ": " + n + " weight(s) stored as "
        + type + " converted to float32 (as Keras does when it assigns them to float32"
        + " variables)"));
  }

  private static Dataset dataset(Group g, String path, String where, String owner) {
    Node n;
    try {
      n = g.getByPath(path);
    } catch (RuntimeException e) {
      n = null;
    }
    if (!(n instanceof Dataset ds)) {
      throw new InvalidInputException(where + ": " + owner + " lists weight '" + path
          + "' but group '" + g.getPath() + "' has no dataset at that path");
    }
    return ds;
  }

  /**
   * A Keras 3 {@code compile_config} from a legacy {@code training_config}: {@code
   * optimizer_config} becomes {@code optimizer}; {@code loss}, {@code metrics}, {@code
   * loss_weights}, {@code weighted_metrics} and any other keys are kept. For Keras 1/2 files the
   * optimizer config is translated where Keras 3 renamed things: class {@code Custom>Adam}
   * (tf.keras 2.11+) becomes {@code Adam}, {@code lr} becomes {@code learning_rate}, and
   * {@code decay: 0} (neutral) is dropped; each change is noted.
   */
  public static JsonNode compileConfig(JsonNode training, boolean legacy,
      List<String> translations) {
    if (!training.isObject()) {
      return null;
    }
    ObjectNode out = KerasJson.nodes().objectNode();
    JsonNode opt = training.get("optimizer_config");
    ObjectNode optimizer = opt != null && opt.isObject() ? ((ObjectNode) opt).deepCopy() : null;
    if (optimizer != null && legacy) {
      String cls = optimizer.path("class_name").asText();
      if (cls.startsWith("Custom>")) {
        optimizer.put("class_name", cls.substring("Custom>".length()));
        translations.add("optimizer: class_name " + cls + " -> "
            + cls.substring("Custom>".length()) + " (tf.keras 2.11+ registered name)");
      }
      JsonNode c = optimizer.get("config");
      if (c != null && c.isObject()) {
        ObjectNode oc = (ObjectNode) c;
        if (oc.has("lr") && !oc.has("learning_rate")) {
          JsonNode lr = oc.remove("lr");
          oc.set("learning_rate", lr);
          translations.add("optimizer: renamed lr=" + lr + " to learning_rate");
        }
        JsonNode decay = oc.get("decay");
        if (decay != null && decay.isNumber() && decay.asDouble() == 0.0) {
          oc.remove("decay");
          translations.add("optimizer: dropped decay=" + decay + " (Keras 3 has no decay)");
        }
      }
    }
    out.set("optimizer", optimizer);
    training.fields().forEachRemaining(e -> {
      if (!e.getKey().equals("optimizer_config")) {
        out.set(e.getKey(), e.getValue().deepCopy());
      }
    });
    return out;
  }
}
