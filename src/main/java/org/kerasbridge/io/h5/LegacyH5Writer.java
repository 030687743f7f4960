package org.kerasbridge.io.h5;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.kerasbridge.io.AtomicFiles;
import org.kerasbridge.io.ConfigNormalizer;
import org.kerasbridge.io.KerasJson;
import org.kerasbridge.io.ModelSpec.NamedArray;
import org.kerasbridge.io.ModelWriters.WeightInfo;
import org.kerasbridge.io.keras.KerasExport;
import org.kerasbridge.ndarray.NpyArray;

/**
 * Writes a legacy HDF5 model as Keras 3.15's {@code legacy_h5_format.save_model_to_hdf5} does,
 * which {@code keras.models.load_model("m.h5")} reads:
 *
 * <pre>
 * /                       attrs keras_version "3.15.1", backend "tensorflow",
 *                               model_config (JSON, the legacy config form),
 *                               training_config (JSON, when compiled: the compile config with
 *                               the optimizer as optimizer_config {class_name, config})
 * /model_weights          attrs layer_names (every layer of model.layers, in order),
 *                               backend, keras_version
 * /model_weights/&lt;layer&gt;  attr weight_names (trainable weights, then non-trainable);
 *                         the datasets at those paths below the group
 * /model_weights/top_level_model_weights  attr weight_names = [] (the model owns none)
 * /optimizer_weights      attr weight_names, datasets in optimizer.variables order (when
 *                         compiled and the state is known)
 * </pre>
 *
 * <p>Strings are variable-length UTF-8 and written with {@link Hdf5Writer}, so a model config of
 * any size fits (Keras itself fails beyond 64 KB); string lists over 4000 entries are chunked as
 * {@code layer_names0}, {@code layer_names1}, ... the way Keras chunks them, which both Keras and
 * KerasBridge read. Weight names are the Keras 3 variable paths, prefixed by the model's name in a
 * Sequential, as Keras 3.15 names them ({@code sequential/dense/kernel},
 * {@code inner/batch_normalization/gamma}); only their order matters to Keras.
 */
public final class LegacyH5Writer {
  private static final int CHUNK = 4000;

  private LegacyH5Writer() {}

  /** Writes {@code export} to {@code out} atomically; refuses an existing file unless asked. */
  public static void write(KerasExport export, Path out, boolean overwrite) {
    AtomicFiles.writeFile(out, overwrite, tmp -> content(export).write(tmp));
  }

  static Hdf5Writer content(KerasExport export) {
    Hdf5Writer h5 = new Hdf5Writer();
    Hdf5Writer.Group root = h5.root();
    root.attribute("keras_version", KerasExport.KERAS_VERSION);
    root.attribute("backend", "tensorflow");
    root.attribute("model_config", KerasJson.write(export.legacyModel()));
    if (export.compileConfig() != null) {
      root.attribute("training_config", KerasJson.write(trainingConfig(export.compileConfig())));
    }
    Hdf5Writer.Group mw = root.group("model_weights");
    JsonNode config = export.normalized();
    boolean sequential = "Sequential".equals(config.path("class_name").asText());
    String prefix = sequential ? export.modelName() + "/" : "";
    List<String> layerNames = new ArrayList<>();
    List<JsonNode> entries = new ArrayList<>();
    ConfigNormalizer.layersOf(config).forEach(entries::add);
    if (sequential && !entries.isEmpty()
        && "InputLayer".equals(entries.get(0).path("class_name").asText())) {
      entries.remove(0); // Sequential.layers does not list its InputLayer
    }
    for (JsonNode e : entries) {
      layerNames.add(ConfigNormalizer.layerName(e));
    }
    stringList(mw, "layer_names", layerNames);
    mw.attribute("backend", "tensorflow");
    mw.attribute("keras_version", KerasExport.KERAS_VERSION);
    for (String layer : layerNames) {
      Hdf5Writer.Group g = mw.group(layer);
      List<NamedArray> ws = export.weights().getOrDefault(layer, List.of());
      List<WeightInfo> info = export.info().getOrDefault(layer, List.of());
      if (ws.size() != info.size()) {
        throw new org.kerasbridge.KerasBridgeException(export.where() + ": layer '" + layer
            + "' has " + ws.size() + " weight value(s) but " + info.size() + " weight path(s)");
      }
      List<String> names = new ArrayList<>();
      List<NpyArray> values = new ArrayList<>();
      for (boolean pass : new boolean[] {true, false}) {
        for (int i = 0; i < ws.size(); i++) {
          if (info.get(i).trainable() == pass) {
            names.add(prefix + info.get(i).path());
            values.add(ws.get(i).array());
          }
        }
      }
      stringList(g, "weight_names", names);
      for (int i = 0; i < names.size(); i++) {
        dataset(g, names.get(i), values.get(i));
      }
    }
    mw.group("top_level_model_weights").attribute("weight_names", List.of());
    if (export.compileConfig() != null && !export.optimizerVariables().isEmpty()) {
      Hdf5Writer.Group ow = root.group("optimizer_weights");
      List<String> names = optimizerNames(export);
      stringList(ow, "weight_names", names);
      for (int i = 0; i < names.size(); i++) {
        dataset(ow, names.get(i), export.optimizerVariables().get(i));
      }
    }
    return h5;
  }

  /**
   * Loss aliases that Keras 3.15's legacy loader cannot deserialize ({@code losses.deserialize(
   * "mse")} fails, so Keras cannot load its own {@code .h5} of a model compiled with
   * {@code loss="mse"}); written as the function names they stand for.
   */
  private static final Map<String, String> LOSS_ALIASES = Map.of("mse", "mean_squared_error",
      "mae", "mean_absolute_error", "mape", "mean_absolute_percentage_error",
      "msle", "mean_squared_logarithmic_error", "kld", "kl_divergence",
      "bce", "binary_crossentropy");

  /** Keras 3's training_config: the compile config, its optimizer as optimizer_config. */
  private static ObjectNode trainingConfig(JsonNode compile) {
    ObjectNode t = KerasJson.nodes().objectNode();
    compile.fields().forEachRemaining(e -> {
      if (e.getKey().equals("loss")) {
        t.set("loss", lossNames(e.getValue()));
      } else if (!e.getKey().equals("optimizer")) {
        t.set(e.getKey(), e.getValue());
      }
    });
    ObjectNode o = t.putObject("optimizer_config");
    o.set("class_name", compile.path("optimizer").path("class_name"));
    o.set("config", compile.path("optimizer").path("config"));
    return t;
  }

  private static JsonNode lossNames(JsonNode loss) {
    if (loss.isTextual()) {
      String full = LOSS_ALIASES.get(loss.asText().toLowerCase(java.util.Locale.ROOT));
      return full == null ? loss : KerasJson.nodes().textNode(full);
    }
    if (loss.isArray()) {
      com.fasterxml.jackson.databind.node.ArrayNode a = KerasJson.nodes().arrayNode();
      loss.forEach(l -> a.add(lossNames(l)));
      return a;
    }
    if (loss.isObject() && !loss.has("class_name")) {
      ObjectNode o = KerasJson.nodes().objectNode();
      loss.fields().forEachRemaining(e -> o.set(e.getKey(), lossNames(e.getValue())));
      return o;
    }
    return loss;
  }

  /**
   * Dataset names for the optimizer's variables: {@code <optimizer>/iteration},
   * {@code <optimizer>/learning_rate}, then {@code <optimizer>/slot_<i>} (Keras names them after
   * the variable and slot, e.g. {@code adam/dense_kernel_momentum}; Keras restores them by
   * order, and a {@code .keras} source does not store those names).
   */
  private static List<String> optimizerNames(KerasExport export) {
    String opt = export.optimizerName() == null ? "optimizer" : export.optimizerName();
    List<String> names = new ArrayList<>();
    int n = export.optimizerVariables().size();
    boolean hasLr = export.compileConfig().path("optimizer").path("config")
        .path("learning_rate").isNumber();
    for (int i = 0; i < n; i++) {
      String name = i == 0 ? opt + "/iteration" : i == 1 && hasLr ? opt + "/learning_rate"
          : opt + "/slot_" + (i - (hasLr ? 2 : 1));
      names.add(name);
    }
    return names;
  }

  /** A string list attribute, chunked as Keras chunks long ones. */
  private static void stringList(Hdf5Writer.Group g, String name, List<String> values) {
    if (values.size() <= CHUNK) {
      g.attribute(name, values);
      return;
    }
    for (int c = 0, from = 0; from < values.size(); c++, from += CHUNK) {
      g.attribute(name + c, values.subList(from, Math.min(values.size(), from + CHUNK)));
    }
  }

  /** A dataset at a relative path {@code a/b/name}, creating the groups on the way. */
  private static void dataset(Hdf5Writer.Group g, String path, NpyArray value) {
    int slash = path.lastIndexOf('/');
    Hdf5Writer.Group parent = slash < 0 ? g : g.groupPath(path.substring(0, slash));
    parent.dataset(path.substring(slash + 1), value);
  }
}
