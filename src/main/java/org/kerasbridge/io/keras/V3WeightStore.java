package org.kerasbridge.io.keras;

import com.fasterxml.jackson.databind.JsonNode;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.kerasbridge.InvalidInputException;
import org.kerasbridge.UnsupportedFeatureException;
import org.kerasbridge.io.ConfigNormalizer;
import org.kerasbridge.io.ModelSpec.NamedArray;
import org.kerasbridge.io.h5.H5ModelReader;
import org.kerasbridge.io.h5.Hdf5;
import org.kerasbridge.ndarray.DType;
import org.kerasbridge.ndarray.NpyArray;

/**
 * Reads a Keras 3 weights file ({@code model.weights.h5} inside a {@code .keras}, or a
 * {@code .weights.h5}) against the model config.
 *
 * <p>Keras 3 ({@code saving_lib._save_state}) stores each object's own variables as datasets
 * {@code <path>/vars/0}, {@code 1}, ... ({@code _trainable_variables + _non_trainable_variables},
 * no names), and walks to child objects by attribute name: a model's layers sit in the container
 * {@code layers/}, named not by layer name but by the snake-cased class name made unique in list
 * order ({@code dense}, {@code dense_1}, {@code batch_normalization}, ...). Keras matches them to
 * layers by that order, so this does the same: the path of each layer is computed from the
 * config, and the {@code name} attribute Keras 3.x writes on {@code vars} groups is checked
 * against the config's layer name when present. A Sequential's container skips its leading
 * InputLayer (Keras's {@code Sequential.layers} does); a Functional's includes its InputLayers.
 *
 * <p>Children of a layer are taken in {@code layer.weights} order: own {@code vars} first, then
 * {@code cell} (RNN), {@code forward_layer} then {@code backward_layer} (Bidirectional),
 * {@code layer} (TimeDistributed and other wrappers), {@code cells} (StackedRNNCells, in config
 * order), {@code layers} (nested model, in config order), MultiHeadAttention's
 * {@code query_dense, key_dense, value_dense, output_dense}, and then any other child in Keras's
 * own saving walk order (names sorted, {@code _}-prefixed last). The walk stops at a layer's
 * subtree; objects Keras saves elsewhere (the optimizer) are read separately.
 *
 * <p>The file is walked as a {@link WeightTree}: a backslash in an HDF5 name (tf.keras 2.13-2.15
 * on Windows) is a path separator. tf.keras 2.13 and 2.14 files keep their layers under
 * {@code _layer_checkpoint_dependencies}, named as {@link #modelContainerNames} says.
 */
final class V3WeightStore {
  private static final List<String> CHILD_ORDER = List.of("cell", "forward_layer",
      "backward_layer", "layer", "cells", "layers", "query_dense", "_query_dense", "key_dense",
      "_key_dense", "value_dense", "_value_dense", "output_dense", "_output_dense");

  private final WeightTree root;
  private final String where;
  private final List<String> translations;
  /** {@code layers}, or {@code _layer_checkpoint_dependencies} in tf.keras 2.13-2.14 files. */
  private final String layersGroup;
  /**
   * tf.keras before 2.14 named the entries of {@code _layer_checkpoint_dependencies} with a gap
   * after every layer that has weights (see {@link #modelContainerNames}).
   */
  private final boolean namesSkipWeightedDuplicates;
  /** Per owner (layer or optimizer), stored float type to the count converted to float32. */
  private final Map<String, Map<String, Integer>> converted = new LinkedHashMap<>();

  /**
   * @param kerasVersion the version that wrote the file ({@code metadata.json}), "" if unknown
   */
  V3WeightStore(Group root, String where, String kerasVersion, List<String> translations) {
    WeightTree.Built built = WeightTree.of(root, where);
    this.root = built.root();
    this.where = where;
    this.translations = translations;
    if (built.backslashNames() > 0) {
      translations.add("model.weights.h5: " + built.backslashNames() + " HDF5 name(s) use '\\'"
          + " as the path separator (tf.keras 2.13-2.15 on Windows joined paths with"
          + " os.path.join), read as nested groups");
    }
    this.layersGroup = this.root.group("layers") == null
        && this.root.group("_layer_checkpoint_dependencies") != null
        ? "_layer_checkpoint_dependencies" : "layers";
    this.namesSkipWeightedDuplicates = layersGroup.equals("_layer_checkpoint_dependencies")
        && before214(kerasVersion);
  }

  /** True for a Keras 2 version before 2.14 (2.13.1, 2.12.0, ...). */
  static boolean before214(String version) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("^(\\d{1,9})\\.(\\d{1,9})")
        .matcher(version == null ? "" : version);
    return m.find() && Integer.parseInt(m.group(1)) == 2 && Integer.parseInt(m.group(2)) < 14;
  }

  /** Snake case as Keras's {@code naming.to_snake_case}. */
  static String snakeCase(String className) {
    String n = className.replaceAll("\\W+", "");
    n = n.replaceAll("(.)([A-Z][a-z]+)", "$1_$2");
    n = n.replaceAll("([a-z])([A-Z])", "$1_$2");
    return n.toLowerCase(java.util.Locale.ROOT);
  }

  /** The entries of a model container in the order Keras lists {@code model.layers}. */
  static List<JsonNode> containerEntries(JsonNode model) {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode e : ConfigNormalizer.layersOf(model)) {
      // Keras ops recorded in a Functional graph (the NotEqual/LogicalOr/... that carry masks)
      // are Operations, not Layers: model.layers, and so the weights file, leaves them out.
      if (!e.path("module").asText("").startsWith("keras.src.ops")) {
        out.add(e);
      }
    }
    if ("Sequential".equals(model.path("class_name").asText()) && !out.isEmpty()
        && "InputLayer".equals(out.get(0).path("class_name").asText())) {
      out.remove(0);
    }
    return out;
  }

  /** Group names Keras gives the entries of a container: snake class name made unique. */
  static List<String> containerNames(List<JsonNode> entries) {
    Map<String, Integer> used = new HashMap<>();
    List<String> out = new ArrayList<>();
    for (JsonNode e : entries) {
      String base = snakeCase(e.path("class_name").asText());
      Integer n = used.get(base);
      if (n == null) {
        used.put(base, 0);
        out.add(base);
      } else {
        used.put(base, n + 1);
        out.add(base + "_" + (n + 1));
      }
    }
    return out;
  }

  /**
   * The group names of a model's layer container. Keras 3 and tf.keras 2.14+ use
   * {@link #containerNames}. tf.keras before 2.14 saved {@code _layer_checkpoint_dependencies},
   * an OrderedDict in which a layer with weights appears twice in a row
   * ({@code layer_with_weights-i}, then {@code layer-j}), and named each value before skipping
   * the one already saved: a layer with weights uses up two names of its class, so Flatten,
   * Dense, Dense are saved as {@code flatten}, {@code dense}, {@code dense_2}. Whether a layer has
   * weights is read from the file (its group holds a dataset), as that is where tf.keras's
   * {@code layer.weights} went.
   */
  private List<String> modelContainerNames(List<JsonNode> entries, WeightTree container) {
    if (!namesSkipWeightedDuplicates || container == null) {
      return containerNames(entries);
    }
    Map<String, Integer> used = new HashMap<>();
    List<String> out = new ArrayList<>();
    for (JsonNode e : entries) {
      String base = snakeCase(e.path("class_name").asText());
      Integer n = used.get(base);
      String name = n == null ? base : base + "_" + (n + 1);
      used.put(base, n == null ? 0 : n + 1);
      out.add(name);
      WeightTree g = container.group(name);
      if (g != null && g.holdsDatasets()) {
        used.merge(base, 1, Integer::sum);
      }
    }
    return out;
  }

  /** Weights of every top-level layer of {@code config} that has any, in config order. */
  Map<String, List<NamedArray>> layerWeights(JsonNode config) {
    WeightTree own = root.group("vars");
    if (own != null && !own.childNames().isEmpty()) {
      throw new UnsupportedFeatureException(where + ": the model owns "
          + own.childNames().size() + " variable(s) outside its layers (group /vars); only"
          + " weights held by layers are supported");
    }
    Map<String, List<NamedArray>> out = new LinkedHashMap<>();
    WeightTree container = root.group(layersGroup);
    List<JsonNode> entries = containerEntries(config);
    List<String> names = modelContainerNames(entries, container);
    for (int i = 0; i < entries.size(); i++) {
      JsonNode e = entries.get(i);
      WeightTree g = container == null ? null : container.group(names.get(i));
      if (g == null) {
        continue;
      }
      checkName(g, e, layersGroup + "/" + names.get(i));
      List<NamedArray> w = new ArrayList<>();
      collect(g, e, "", w, ConfigNormalizer.layerName(e));
      if (!w.isEmpty()) {
        out.put(ConfigNormalizer.layerName(e), w);
      }
    }
    flushConversionNotes();
    return out;
  }

  /** Every optimizer variable under {@code optimizer/}, keyed by its path, in Keras order. */
  Map<String, NpyArray> optimizerVariables() {
    Map<String, NpyArray> out = new LinkedHashMap<>();
    WeightTree opt = root.group("optimizer");
    if (opt == null) {
      return out;
    }
    List<NamedArray> list = new ArrayList<>();
    collect(opt, null, "optimizer/", list, "optimizer");
    for (NamedArray a : list) {
      out.put(a.name(), a.array());
    }
    flushConversionNotes();
    return out;
  }

  private void flushConversionNotes() {
    converted.forEach((owner, types) -> H5ModelReader.noteConversions(
        owner.equals("optimizer") ? owner : "layer '" + owner + "'", types, translations));
    converted.clear();
  }

  private void checkName(WeightTree g, JsonNode entry, String path) {
    WeightTree vars = g.group("vars");
    if (vars == null) {
      return;
    }
    String stored = vars.stringAttribute("name");
    org.kerasbridge.io.KerasJson.checkName(stored, where, "HDF5 attribute 'name' of '"
        + vars.path() + "'");
    String expected = ConfigNormalizer.layerName(entry);
    if (stored != null && !stored.equals(expected)) {
      throw new InvalidInputException(where + ": weights group '" + path + "' belongs to layer '"
          + stored + "' but the config puts layer '" + expected + "' ("
          + entry.path("class_name").asText() + ") there: the weights file and the config do"
          + " not describe the same model");
    }
  }

  private void collect(WeightTree g, JsonNode entry, String rel, List<NamedArray> out,
      String owner) {
    WeightTree vars = g.group("vars");
    if (vars != null) {
      readVars(vars, entry, rel + "vars/", out, owner);
    }
    Set<String> children = g.groupNames();
    children.remove("vars");
    Set<String> done = new HashSet<>();
    JsonNode cfg = entry == null ? null : entry.path("config");
    if (entry != null && ConfigNormalizer.isModel(entry)) {
      WeightTree layers = g.group(layersGroup);
      if (layers != null) {
        container(layers, containerEntries(entry), rel + layersGroup + "/", out, owner, true);
      }
      done.add(layersGroup);
    }
    for (String name : CHILD_ORDER) {
      if (done.contains(name) || !children.contains(name)) {
        continue;
      }
      done.add(name);
      WeightTree child = g.group(name);
      JsonNode childEntry = childEntry(name, cfg);
      if (name.equals("cells") || name.equals("layers")) {
        List<JsonNode> list = new ArrayList<>();
        if (cfg != null && cfg.path(name).isArray()) {
          cfg.path(name).forEach(list::add);
        }
        container(child, list, rel + name + "/", out, owner, false);
      } else {
        collect(child, childEntry, rel + name + "/", out, owner);
      }
    }
    List<String> rest = new ArrayList<>();
    for (String c : children) {
      if (!done.contains(c)) {
        rest.add(c);
      }
    }
    rest.sort(Comparator.comparing(n -> n.startsWith("_") ? "~" + n : n));
    for (String name : rest) {
      collect(g.group(name), null, rel + name + "/", out, owner);
    }
  }

  private static JsonNode childEntry(String name, JsonNode cfg) {
    if (cfg == null) {
      return null;
    }
    JsonNode c = switch (name) {
      case "cell" -> cfg.path("cell");
      case "forward_layer", "layer" -> cfg.path("layer");
      case "backward_layer" -> cfg.path("backward_layer").isObject() ? cfg.path("backward_layer")
          : cfg.path("layer");
      default -> null;
    };
    return c != null && c.isObject() && c.has("class_name") ? c : null;
  }

  /**
   * @param model true for a model's own layer container (named as Keras names
   *     {@code model.layers}, and checked against the layer names)
   */
  private void container(WeightTree g, List<JsonNode> entries, String rel, List<NamedArray> out,
      String owner, boolean model) {
    List<String> names = model ? modelContainerNames(entries, g) : containerNames(entries);
    Set<String> done = new HashSet<>();
    for (int i = 0; i < entries.size(); i++) {
      WeightTree child = g.group(names.get(i));
      if (child == null) {
        continue;
      }
      done.add(names.get(i));
      if (model) {
        checkName(child, entries.get(i), rel + names.get(i));
      }
      collect(child, entries.get(i), rel + names.get(i) + "/", out, owner);
    }
    for (String name : g.groupNames()) {
      if (!done.contains(name)) {
        collect(g.group(name), null, rel + name + "/", out, owner);
      }
    }
  }

  private void readVars(WeightTree vars, JsonNode entry, String prefix, List<NamedArray> out,
      String owner) {
    Map<Integer, Dataset> byIndex = new TreeMap<>();
    for (String c : vars.childNames()) {
      int idx;
      try {
        idx = Integer.parseInt(c);
      } catch (NumberFormatException e) {
        throw new InvalidInputException(where + ": '" + vars.path() + c
            + "' is not a numbered variable (expected vars/0, vars/1, ...)");
      }
      Dataset ds = vars.dataset(c);
      if (ds == null) {
        throw new InvalidInputException(where + ": '" + vars.path() + c
            + "' is a group, expected a variable dataset");
      }
      byIndex.put(idx, ds);
    }
    int expected = 0;
    boolean keepFloat64 = entry != null
        && "float64".equals(ConfigNormalizer.policyName(entry.path("config").get("dtype")));
    for (Map.Entry<Integer, Dataset> e : byIndex.entrySet()) {
      if (e.getKey() != expected++) {
        throw new InvalidInputException(where + ": variables in '" + vars.path()
            + "' are not numbered 0.." + (byIndex.size() - 1) + ": " + byIndex.keySet());
      }
      String name = prefix + e.getKey();
      String what = (owner.equals("optimizer") ? "optimizer" : "layer '" + owner + "'")
          + " weight '" + name + "'";
      if ("bfloat16".equals(Hdf5.stringAttribute(e.getValue(), "dtype"))) {
        throw new UnsupportedFeatureException(where + ": " + what + " is bfloat16, which"
            + " KerasBridge does not read");
      }
      NpyArray a = Hdf5.read(e.getValue(), !keepFloat64, where + ": " + what);
      String stored = Hdf5.numpyTypeName(e.getValue());
      if (a.dtype() == DType.FLOAT32 && !"float32".equals(stored)) {
        converted.computeIfAbsent(owner, k -> new TreeMap<>()).merge(stored, 1, Integer::sum);
      }
      out.add(new NamedArray(name, a));
    }
  }
}
