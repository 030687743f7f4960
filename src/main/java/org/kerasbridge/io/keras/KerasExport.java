package org.kerasbridge.io.keras;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.kerasbridge.KerasBridgeException;
import org.kerasbridge.UnsupportedFeatureException;
import org.kerasbridge.io.ConfigNormalizer;
import org.kerasbridge.io.ModelSpec;
import org.kerasbridge.io.ModelSpec.NamedArray;
import org.kerasbridge.io.ModelWriters.WeightInfo;
import org.kerasbridge.io.h5.H5ModelReader;
import org.kerasbridge.ndarray.DType;
import org.kerasbridge.ndarray.NpyArray;

/**
 * A model made ready for the Keras writers ({@code .keras} and legacy {@code .h5}): Keras 3
 * semantics, a Keras 3 compile config, and optimizer state in Keras 3's order.
 *
 * <p>What {@link #prepare} changes, each change reported in {@link #notes()}:
 * <ul>
 *   <li><b>Keras 1/2 {@code hard_sigmoid}.</b> In Keras 1/2 it is clip(0.2x + 0.5, 0, 1); in
 *       Keras 3 relu6(x + 3) / 6 = clip(x / 6 + 0.5, 0, 1). Since clip(0.2x + 0.5, 0, 1) equals
 *       Keras 3's hard_sigmoid of 1.2x, and the pre-activation is linear in the weights, a layer
 *       from a Keras 1/2 file keeps its meaning in Keras 3 when the weights feeding the
 *       hard_sigmoid are multiplied by 1.2: all weights of Dense, Conv and SimpleRNN
 *       ({@code activation}), the pointwise kernel and bias of SeparableConv, the i, f, o gate
 *       columns of LSTM and the z, r gate columns of GRU ({@code recurrent_activation}; GRU's
 *       candidate columns for {@code activation}). Where no weights feed it (an Activation
 *       layer, LSTM's cell-state activation), the model is refused.
 *   <li><b>Compile config.</b> Only the arguments Keras 3's {@code compile} takes are kept; the
 *       optimizer gets {@code module}/{@code registered_name}. A Keras 1/2 optimizer, loss and
 *       metrics are rewritten by KerasBridge's own optimizer and loss registries into their
 *       Keras 3 configs (e.g. a tf.keras loss's {@code reduction: "auto"} does not exist in
 *       Keras 3). When that is impossible the compile config is dropped.
 *   <li><b>Optimizer state</b> is kept only when it is in Keras 3's order ({@code iteration},
 *       {@code learning_rate}, slots): Keras 1/2 store their slots differently.
 * </ul>
 *
 * @param model the model config as Keras 3 serializes it ({@code module, class_name, config,
 *     registered_name, ...}; no compile config)
 * @param normalized the normalized model config it was made from
 * @param weights per top-level layer, its weights in {@code layer.weights} order
 * @param info per top-level layer, its weights' variable paths and trainability
 * @param compileConfig Keras 3 {@code compile_config}, or null
 * @param optimizerVariables optimizer variables in Keras 3's order, or empty
 * @param optimizerName the optimizer's {@code name}, or null
 * @param legacyModel the model config an {@code .h5} stores: {@code class_name} and
 *     {@code config} of {@code model}
 * @param where the model's source, for error messages
 * @param notes what was changed on the way
 */
public record KerasExport(ObjectNode model, JsonNode normalized,
    Map<String, List<NamedArray>> weights, Map<String, List<WeightInfo>> info,
    JsonNode compileConfig, List<NpyArray> optimizerVariables, String optimizerName,
    ObjectNode legacyModel, String where, List<String> notes) {

  /** The Keras version the writers declare. */
  public static final String KERAS_VERSION = "3.15.1";

  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private static final Set<String> COMPILE_KEYS = Set.of("optimizer", "loss", "loss_weights",
      "metrics", "weighted_metrics", "run_eagerly", "steps_per_execution", "jit_compile",
      "auto_scale_loss");
  private static final double K2_HARD_SIGMOID_SCALE = 1.2;
  /** The losses Keras 3.15 knows by name ({@code keras.losses.ALL_OBJECTS_DICT}). */
  private static final Set<String> KERAS_LOSSES = Set.of("BinaryCrossentropy",
      "BinaryFocalCrossentropy", "CTC", "CategoricalCrossentropy", "CategoricalFocalCrossentropy",
      "CategoricalHinge", "Circle", "CosineSimilarity", "Dice", "Hinge", "Huber", "KLDivergence",
      "LogCosh", "MeanAbsoluteError", "MeanAbsolutePercentageError", "MeanSquaredError",
      "MeanSquaredLogarithmicError", "Poisson", "SparseCategoricalCrossentropy", "SquaredHinge",
      "Tversky", "bce", "binary_crossentropy", "binary_focal_crossentropy",
      "categorical_crossentropy", "categorical_focal_crossentropy", "categorical_hinge", "circle",
      "cosine_similarity", "ctc", "dice", "hinge", "huber", "kl_divergence", "kld", "log_cosh",
      "mae", "mape", "mean_absolute_error", "mean_absolute_percentage_error",
      "mean_squared_error", "mean_squared_logarithmic_error", "mse", "msle", "poisson",
      "sparse_categorical_crossentropy", "squared_hinge", "tversky");

  /**
   * @param spec the model, e.g. {@link org.kerasbridge.model.KerasModel#toSpec()}
   * @param info per top-level layer, its weights' Keras variable paths and trainability, in the
   *     order of {@code spec.weights()}
   * @param shapes per model name, per layer, its first output's shape (to fill tensor shapes
   *     that Keras 1/2 configs do not store); may be empty
   */
  public static KerasExport prepare(ModelSpec spec, Map<String, List<WeightInfo>> info,
      Map<String, Map<String, long[]>> shapes) {
    String where = String.valueOf(spec.source());
    List<String> notes = new ArrayList<>();
    boolean keras2 = isKeras2(spec);
    Map<String, List<NamedArray>> weights = new LinkedHashMap<>(spec.weights());
    for (Map.Entry<String, List<NamedArray>> e : weights.entrySet()) {
      List<WeightInfo> wi = info.get(e.getKey());
      if (wi == null || wi.size() != e.getValue().size()) {
        throw new KerasBridgeException(where + ": layer '" + e.getKey() + "' has "
            + e.getValue().size() + " weight(s) but " + (wi == null ? 0 : wi.size())
            + " weight paths were given");
      }
    }
    if (keras2) {
      weights = keras2HardSigmoid(spec.modelConfig(), weights, info, where, notes);
    }
    ObjectNode model = new V3ConfigWriter(shapes).model(spec.modelConfig());
    model.remove("compile_config");
    // An .h5's model_config is {class_name, config}. Its layer entries keep module and
    // registered_name (unlike Keras's own legacy form): Keras then rebuilds them with its
    // current deserializer, and its legacy one loses a multi-axis list (LayerNormalization
    // axis=[1, 2] comes back as -1) and cannot find a wrapped layer's class.
    ObjectNode legacyModel = F.objectNode();
    legacyModel.set("class_name", model.get("class_name"));
    legacyModel.set("config", model.get("config").deepCopy());

    JsonNode compile = null;
    List<NpyArray> optimizer = new ArrayList<>();
    String optimizerName = null;
    if (spec.compileConfig() != null && !spec.compileConfig().isNull()) {
      compile = compileConfig(spec.compileConfig(), keras2, where, notes);
    }
    if (compile != null) {
      optimizerName = compile.path("optimizer").path("config").path("name").asText(null);
      Map<String, NpyArray> vars = spec.optimizerVariables();
      if (!vars.isEmpty()) {
        String first = vars.keySet().iterator().next();
        if (first.endsWith("/iteration") || first.equals("optimizer/vars/0")) {
          optimizer.addAll(vars.values());
        } else {
          notes.add("optimizer state not written: it is stored in Keras " + spec.kerasVersion()
              + "'s layout (first variable '" + first + "'), which Keras 3 cannot restore");
        }
      }
    } else if (!spec.optimizerVariables().isEmpty()) {
      notes.add("optimizer state not written: there is no usable compile config");
    }
    return new KerasExport(model, spec.modelConfig(), weights, info, compile,
        List.copyOf(optimizer), optimizerName, legacyModel, where, List.copyOf(notes));
  }

  /** The top-level model's name. */
  public String modelName() {
    return normalized.path("config").path("name").asText("model");
  }

  /** The model config JSON object a {@code .keras} stores: with compile_config when compiled. */
  public ObjectNode configJson() {
    ObjectNode c = model.deepCopy();
    if (compileConfig != null) {
      c.set("compile_config", compileConfig);
    }
    return c;
  }

  /** Layout of {@code model.weights.h5}. */
  List<V3WeightLayout.Node> layout() {
    return V3WeightLayout.of(normalized, info, where);
  }

  static boolean isKeras2(ModelSpec spec) {
    if (spec.format() == ModelSpec.Format.H5_KERAS2) {
      return true;
    }
    String v = spec.kerasVersion();
    return v != null && !v.isEmpty() && H5ModelReader.majorVersion(v) < 3;
  }

  // ---------------------------------------------------------------- compile config

  private static JsonNode compileConfig(JsonNode cc, boolean keras2, String where,
      List<String> notes) {
    if (!cc.isObject()) {
      return null;
    }
    ObjectNode out = F.objectNode();
    List<String> dropped = new ArrayList<>();
    cc.fields().forEachRemaining(e -> {
      if (COMPILE_KEYS.contains(e.getKey())) {
        out.set(e.getKey(), e.getValue().deepCopy());
      } else {
        dropped.add(e.getKey());
      }
    });
    if (!dropped.isEmpty()) {
      notes.add("compile config: dropped " + dropped + " (not arguments of Keras 3's compile)");
    }
    List<String> unknown = new ArrayList<>();
    unknownLosses(out.get("loss"), unknown);
    if (!unknown.isEmpty()) {
      notes.add("compile config not written: loss " + unknown + " is not a built-in Keras loss"
          + " (a custom function?), so Keras could not compile the model from it");
      return null;
    }
    JsonNode opt = out.get("optimizer");
    if (opt == null || opt.isNull()) {
      notes.add("compile config not written: it has no optimizer");
      return null;
    }
    try {
      if (keras2 || opt.isTextual()) {
        org.kerasbridge.optimizers.Optimizer o =
            org.kerasbridge.optimizers.Optimizers.fromConfig(opt);
        ObjectNode so = F.objectNode();
        so.put("module", "keras.optimizers");
        so.put("class_name", o.className());
        so.set("config", o.config());
        so.putNull("registered_name");
        out.set("optimizer", so);
        if (keras2) {
          notes.add("compile config: Keras 1/2 optimizer "
              + opt.path("class_name").asText(opt.asText()) + " rewritten as its Keras 3 config");
        }
      } else if (opt instanceof ObjectNode oo) {
        ObjectNode so = F.objectNode();
        so.set("module", oo.has("module") ? oo.get("module") : F.textNode("keras.optimizers"));
        so.set("class_name", oo.get("class_name"));
        so.set("config", oo.get("config"));
        so.set("registered_name", oo.has("registered_name") ? oo.get("registered_name")
            : F.nullNode());
        out.set("optimizer", so);
      }
      if (keras2) {
        JsonNode loss = out.get("loss");
        out.set("loss", keras3Loss(loss));
        JsonNode metrics = out.get("metrics");
        if (metrics != null && !metrics.isNull()) {
          out.set("metrics", metricNames(metrics));
        }
        JsonNode wm = out.get("weighted_metrics");
        if (wm != null && !wm.isNull()) {
          out.set("weighted_metrics", metricNames(wm));
        }
      }
    } catch (KerasBridgeException | IllegalArgumentException e) {
      notes.add("compile config not written: " + e.getMessage());
      return null;
    }
    for (String k : List.of("loss_weights", "metrics", "weighted_metrics")) {
      if (!out.has(k)) {
        out.putNull(k);
      }
    }
    if (!out.has("run_eagerly")) {
      out.put("run_eagerly", false);
    }
    if (!out.has("steps_per_execution")) {
      out.put("steps_per_execution", 1);
    }
    if (!out.has("jit_compile")) {
      out.put("jit_compile", false);
    }
    return out;
  }

  private static void unknownLosses(JsonNode loss, List<String> out) {
    if (loss == null || loss.isNull()) {
      return;
    }
    if (loss.isTextual()) {
      String n = loss.asText();
      if (!KERAS_LOSSES.contains(n) && !KERAS_LOSSES.contains(n.toLowerCase(java.util.Locale.ROOT))) {
        out.add(n);
      }
    } else if (loss.isObject() && loss.has("class_name")) {
      String cls = loss.path("class_name").asText();
      String module = loss.path("module").asText("keras.losses");
      if (cls.equals("function")) {
        unknownLosses(loss.path("config"), out);
      } else if (!KERAS_LOSSES.contains(cls) || !module.startsWith("keras")) {
        out.add(cls);
      }
    } else {
      loss.forEach(l -> unknownLosses(l, out));
    }
  }

  private static JsonNode keras3Loss(JsonNode loss) {
    if (loss == null || loss.isNull() || loss.isTextual()) {
      return loss == null ? F.nullNode() : loss;
    }
    if (loss.isArray()) {
      ArrayNode a = F.arrayNode();
      loss.forEach(l -> a.add(keras3Loss(l)));
      return a;
    }
    if (loss.isObject() && !loss.has("class_name")) {
      ObjectNode o = F.objectNode();
      loss.fields().forEachRemaining(e -> o.set(e.getKey(), keras3Loss(e.getValue())));
      return o;
    }
    return org.kerasbridge.losses.Losses.fromConfig(loss).toConfig();
  }

  private static JsonNode metricNames(JsonNode metrics) {
    if (metrics.isTextual()) {
      return metrics;
    }
    if (metrics.isArray()) {
      ArrayNode a = F.arrayNode();
      metrics.forEach(m -> a.add(metricNames(m)));
      return a;
    }
    if (metrics.isObject() && metrics.has("class_name")) {
      return F.textNode(metrics.path("config").path("name")
          .asText(metrics.path("class_name").asText()));
    }
    if (metrics.isObject()) {
      ObjectNode o = F.objectNode();
      metrics.fields().forEachRemaining(e -> o.set(e.getKey(), metricNames(e.getValue())));
      return o;
    }
    return metrics;
  }

  // ---------------------------------------------------------------- Keras 2 hard_sigmoid

  private static Map<String, List<NamedArray>> keras2HardSigmoid(JsonNode config,
      Map<String, List<NamedArray>> weights, Map<String, List<WeightInfo>> info, String where,
      List<String> notes) {
    if (!mentionsHardSigmoid(config)) {
      return weights;
    }
    Map<String, List<NamedArray>> out = new LinkedHashMap<>();
    weights.forEach((k, v) -> out.put(k, new ArrayList<>(v)));
    Set<JsonNode> handled = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    for (V3WeightLayout.Node n : V3WeightLayout.flatten(V3WeightLayout.of(config, info, where))) {
      JsonNode e = n.entry();
      if (e == null || !mentionsHardSigmoidHere(e)) {
        continue;
      }
      if (n.own().isEmpty()) {
        continue; // a wrapper or RNN layer: its cell node carries the weights
      }
      List<NamedArray> list = out.get(n.layer());
      String cls = e.path("class_name").asText();
      JsonNode c = e.path("config");
      boolean act = "hard_sigmoid".equals(c.path("activation").asText());
      boolean rec = "hard_sigmoid".equals(c.path("recurrent_activation").asText());
      List<Integer> own = n.own();
      switch (cls) {
        case "Dense", "Conv1D", "Conv2D", "Conv3D", "Conv1DTranspose", "Conv2DTranspose",
            "Conv3DTranspose", "DepthwiseConv1D", "DepthwiseConv2D", "SimpleRNN",
            "SimpleRNNCell" -> {
          if (act) {
            for (int i : own) {
              list.set(i, scaleBlocks(list.get(i), 1, Set.of(0)));
            }
          }
        }
        case "SeparableConv1D", "SeparableConv2D" -> {
          if (act) {
            for (int j = 1; j < own.size(); j++) {
              list.set(own.get(j), scaleBlocks(list.get(own.get(j)), 1, Set.of(0)));
            }
          }
        }
        case "LSTM", "LSTMCell" -> {
          if (act) {
            throw refuse(where, n, "activation='hard_sigmoid' on the cell state");
          }
          if (rec) {
            for (int i : own) {
              list.set(i, scaleBlocks(list.get(i), 4, Set.of(0, 1, 3)));
            }
          }
        }
        case "GRU", "GRUCell" -> {
          Set<Integer> blocks = new java.util.HashSet<>();
          if (rec) {
            blocks.addAll(Set.of(0, 1));
          }
          if (act) {
            blocks.add(2);
          }
          for (int i : own) {
            list.set(i, scaleBlocks(list.get(i), 3, blocks));
          }
        }
        default -> throw refuse(where, n, "hard_sigmoid in a " + cls + " layer");
      }
      handled.add(e);
      notes.add("layer '" + n.layer() + "'" + (n.name().equals(n.layer()) ? ""
          : " (" + n.name() + ")") + ": Keras 1/2 hard_sigmoid kept as Keras 3 hard_sigmoid of"
          + " 1.2x by scaling the weights that feed it by 1.2");
    }
    List<String> missed = new ArrayList<>();
    unhandled(config, handled, missed);
    if (!missed.isEmpty()) {
      throw new UnsupportedFeatureException(where + ": Keras 1/2 hard_sigmoid (clip(0.2x + 0.5,"
          + " 0, 1)) has no Keras 3 equivalent in " + missed + ": Keras 3's hard_sigmoid is"
          + " relu6(x + 3) / 6, and no weights feed it that could absorb the difference");
    }
    return out;
  }

  private static UnsupportedFeatureException refuse(String where, V3WeightLayout.Node n,
      String what) {
    return new UnsupportedFeatureException(where + ": layer '" + n.layer() + "': Keras 1/2 "
        + what + " cannot be written as Keras 3 (Keras 3's hard_sigmoid is relu6(x + 3) / 6,"
        + " Keras 2's clip(0.2x + 0.5, 0, 1))");
  }

  private static boolean mentionsHardSigmoidHere(JsonNode e) {
    JsonNode c = e.path("config");
    return "hard_sigmoid".equals(c.path("activation").asText())
        || "hard_sigmoid".equals(c.path("recurrent_activation").asText());
  }

  private static boolean mentionsHardSigmoid(JsonNode n) {
    if (n.isObject()) {
      if (mentionsHardSigmoidHere(n) && n.has("class_name")) {
        return true;
      }
      for (Iterator<JsonNode> it = n.elements(); it.hasNext(); ) {
        if (mentionsHardSigmoid(it.next())) {
          return true;
        }
      }
    } else if (n.isArray()) {
      for (JsonNode c : n) {
        if (mentionsHardSigmoid(c)) {
          return true;
        }
      }
    }
    return false;
  }

  /** Layer entries using hard_sigmoid whose weights were not rescaled. */
  private static void unhandled(JsonNode n, Set<JsonNode> handled, List<String> out) {
    if (n.isObject()) {
      if (n.has("class_name") && mentionsHardSigmoidHere(n) && !handled.contains(n)) {
        out.add(ConfigNormalizer.layerName(n) + " (" + n.path("class_name").asText() + ")");
      }
      n.elements().forEachRemaining(c -> unhandled(c, handled, out));
    } else if (n.isArray()) {
      n.forEach(c -> unhandled(c, handled, out));
    }
  }

  /**
   * {@code a} (float32) with the given blocks of its last axis, split in {@code blocks} equal
   * parts, multiplied by 1.2 (for a 2-D GRU bias, in every row).
   */
  private static NamedArray scaleBlocks(NamedArray a, int blocks, Set<Integer> which) {
    if (which.isEmpty()) {
      return a;
    }
    NpyArray arr = a.array();
    if (arr.dtype() != DType.FLOAT32) {
      arr = arr.castTo(DType.FLOAT32);
    }
    long[] shape = arr.shape();
    float[] v = arr.toFloatArray();
    int last = shape.length == 0 ? 1 : (int) shape[shape.length - 1];
    int block = last / blocks;
    for (int i = 0; i < v.length; i++) {
      int col = i % last;
      if (which.contains(Math.min(col / Math.max(block, 1), blocks - 1))) {
        v[i] = (float) (v[i] * K2_HARD_SIGMOID_SCALE);
      }
    }
    return new NamedArray(a.name(), NpyArray.ofFloats(shape, v));
  }
}
