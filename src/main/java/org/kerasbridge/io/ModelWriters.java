package org.kerasbridge.io;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.kerasbridge.InvalidInputException;
import org.kerasbridge.graph.Device;
import org.kerasbridge.io.h5.LegacyH5Writer;
import org.kerasbridge.io.keras.KerasExport;
import org.kerasbridge.io.keras.KerasV3Writer;
import org.kerasbridge.io.savedmodel.SavedModelWriter;
import org.kerasbridge.layers.CallContext;
import org.kerasbridge.layers.Layer;
import org.kerasbridge.layers.Weight;
import org.kerasbridge.layers.core.InputLayer;
import org.kerasbridge.model.Functional;
import org.kerasbridge.model.KerasModel;
import org.kerasbridge.model.TensorSpec;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.family.TType;

/**
 * Writes a {@link KerasModel} in any format KerasBridge writes, choosing the writer by
 * {@link Format}:
 *
 * <ul>
 *   <li>{@link Format#KERAS}: a Keras 3 {@code .keras} archive ({@link KerasV3Writer});
 *   <li>{@link Format#H5}: a legacy HDF5 model in Keras 3's layout ({@link LegacyH5Writer});
 *   <li>{@link Format#SAVED_MODEL}: a TensorFlow SavedModel directory for serving
 *       ({@link SavedModelWriter}).
 * </ul>
 *
 * <p>Every write is atomic: the content goes to a temporary sibling of the target, renamed over
 * it only once complete ({@link AtomicFiles}), so an existing file survives a failed or
 * interrupted write; an existing target is refused unless {@code overwrite} is set.
 */
public final class ModelWriters {
  private ModelWriters() {}

  /** The formats KerasBridge writes. */
  public enum Format {
    KERAS, H5, SAVED_MODEL;

    /**
     * The format a target path asks for: {@code .keras}, {@code .h5} (or {@code .hdf5}), and
     * anything else a SavedModel directory.
     */
    public static Format infer(Path out) {
      String n = out.getFileName() == null ? "" : out.getFileName().toString()
          .toLowerCase(Locale.ROOT);
      if (n.endsWith(".keras")) {
        return KERAS;
      }
      if (n.endsWith(".h5") || n.endsWith(".hdf5")) {
        return H5;
      }
      return SAVED_MODEL;
    }

    /** {@code keras}, {@code h5} or {@code savedmodel} (also {@code saved_model}). */
    public static Format parse(String name) {
      switch (name.toLowerCase(Locale.ROOT).replace("_", "").replace("-", "")) {
        case "keras":
          return KERAS;
        case "h5":
        case "hdf5":
          return H5;
        case "savedmodel":
          return SAVED_MODEL;
        default:
          throw new InvalidInputException("unknown format '" + name
              + "' (expected keras, h5 or savedmodel)");
      }
    }
  }

  /**
   * A weight as the Keras writers need it beside its value: its Keras 3 variable path
   * ({@code bidirectional/forward_lstm/lstm_cell/kernel}, which says which sub-object owns it) and
   * whether it is among the layer's {@code trainable_weights} (legacy HDF5 stores a layer's
   * trainable weights first).
   */
  public record WeightInfo(String path, boolean trainable) {}

  /**
   * Writes {@code model} to {@code out}.
   *
   * @param overwrite replace an existing {@code out}; otherwise an existing target is refused
   * @return notes on what was adapted on the way (e.g. Keras 2 semantics, dropped optimizer
   *     state), one sentence each; empty when nothing was
   * @throws InvalidInputException when {@code out} exists and {@code overwrite} is false
   * @throws org.kerasbridge.UnsupportedFeatureException when the model cannot be expressed in
   *     the format
   */
  public static List<String> write(KerasModel model, Path out, Format format,
      boolean overwrite) {
    if (!overwrite && Files.exists(out)) {
      throw new InvalidInputException(out + " exists; refusing to overwrite it (ask for"
          + " overwrite explicitly, e.g. --overwrite)");
    }
    ensureBuilt(model);
    if (format == Format.SAVED_MODEL) {
      List<String> half = model.halfPrecisionLayers();
      if (!half.isEmpty()) {
        // Measured: TF Python 2.21 runs KerasBridge's exported float16 SimpleRNN graph 1-2
        // float16 ulps away from Keras's predict and from KerasBridge (which agree bit for
        // bit), and a bfloat16 signature tensor cannot be fed or fetched here.
        throw new org.kerasbridge.UnsupportedFeatureException(model.source() + ": cannot be"
            + " written as a SavedModel: a model with a half-precision dtype policy ("
            + half.get(0) + (half.size() > 1 ? ", ..." : "") + ") is exported as .keras or"
            + " .h5 only");
      }
      return SavedModelWriter.write(model, out, overwrite);
    }
    List<String> conflicts = model.root().keras3Conflicts();
    if (!conflicts.isEmpty()) {
      throw new org.kerasbridge.UnsupportedFeatureException(model.source() + ": cannot be"
          + " written as a Keras 3 " + format.name().toLowerCase(java.util.Locale.ROOT)
          + " file: " + String.join("; ", conflicts));
    }
    KerasExport export = prepare(model);
    if (format == Format.KERAS) {
      KerasV3Writer.write(export, out, overwrite);
    } else {
      LegacyH5Writer.write(export, out, overwrite);
    }
    return export.notes();
  }

  /** The model made ready for the Keras writers (see {@link KerasExport#prepare}). */
  public static KerasExport prepare(KerasModel model) {
    ensureBuilt(model);
    ModelSpec spec = model.toSpec();
    Map<String, List<WeightInfo>> info = weightInfo(model.root());
    Map<String, Map<String, long[]>> shapes = needsShapes(spec.modelConfig())
        ? tracedShapes(spec) : Map.of();
    return KerasExport.prepare(spec, info, shapes);
  }

  /**
   * Makes sure the model's layers are built and its weights are in its graph, which
   * {@link KerasModel#toSpec()} needs. A model whose input shapes have an unknown dimension
   * besides the batch one (a variable-length sequence) is built on its first call only; it is
   * built here symbolically (unknown dimensions stay unknown), or, when a layer needs them known
   * (an unrolled RNN), called once on zeros (unknown dimensions 1), then its states are reset,
   * which leaves a never-called model as it was.
   */
  public static void ensureBuilt(KerasModel model) {
    boolean built = true;
    for (Layer l : model.root().layers()) {
      if (!l.isBuilt() && !(l instanceof InputLayer)) {
        built = false;
      }
    }
    if (built || model.buildSymbolically()) {
      return;
    }
    List<org.kerasbridge.ndarray.NpyArray> zeros = new ArrayList<>();
    for (TensorSpec s : model.inputs()) {
      long[] shape = s.shape().clone();
      long n = 1;
      for (int i = 0; i < shape.length; i++) {
        if (shape[i] < 0) {
          shape[i] = 1;
        }
        n *= shape[i];
      }
      zeros.add(org.kerasbridge.ndarray.NpyArray.of(s.dtype(), shape,
          java.nio.ByteBuffer.allocate((int) (n * s.dtype().itemSize()))));
    }
    model.predict(zeros, Integer.MAX_VALUE);
    model.resetStates();
  }

  /** Per layer with weights: its weights' paths and legacy trainability, in weights order. */
  static Map<String, List<WeightInfo>> weightInfo(Functional root) {
    Map<String, List<WeightInfo>> out = new LinkedHashMap<>();
    for (Layer l : root.layers()) {
      List<Weight> ws = l.weights();
      if (ws.isEmpty()) {
        continue;
      }
      Set<Weight> trainable = Collections.newSetFromMap(new IdentityHashMap<>());
      trainable.addAll(l.trainableWeights());
      List<WeightInfo> list = new ArrayList<>();
      for (Weight w : ws) {
        list.add(new WeightInfo(w.path(), trainable.contains(w)));
      }
      out.put(l.name(), list);
    }
    return out;
  }

  /** True when some Keras tensor in the config has no shape (a Keras 1/2 translation). */
  static boolean needsShapes(JsonNode n) {
    if (n.isObject()) {
      if ("__keras_tensor__".equals(n.path("class_name").asText())) {
        return n.path("config").path("shape").isNull() || n.path("config").path("dtype").isNull();
      }
      for (JsonNode c : n) {
        if (needsShapes(c)) {
          return true;
        }
      }
    } else if (n.isArray()) {
      for (JsonNode c : n) {
        if (needsShapes(c)) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * The first-output shape of every layer of the model and of every nested Functional, traced
   * on a fresh copy of the model (so the caller's graph gains no ops).
   */
  static Map<String, Map<String, long[]>> tracedShapes(ModelSpec spec) {
    Map<String, Map<String, long[]>> out = new LinkedHashMap<>();
    try (KerasModel fresh = KerasModel.fromSpec(spec, Device.CPU)) {
      Ops tf = fresh.runtime().tf().withSubScope("export_shapes");
      try {
        traceShapes(fresh.root(), tf, inputs(tf, fresh.inputs()), fresh, out);
      } catch (org.kerasbridge.KerasBridgeException e) {
        // a layer needs a dimension the inputs leave unknown to be traced (an unrolled RNN its
        // timesteps): Keras's shape rules give the same shapes without a trace
        out.clear();
        List<Shape> shapes = new ArrayList<>();
        fresh.inputs().forEach(s -> shapes.add(Shape.of(s.shape())));
        fresh.root().symbolicShapes(shapes, out);
      }
    }
    return out;
  }

  private static void traceShapes(Functional model, Ops tf, List<Operand<? extends TType>> ins,
      KerasModel fresh, Map<String, Map<String, long[]>> out) {
    Functional.Traced t = model.trace(tf, ins, null,
        new CallContext(fresh.runtime(), false, 0));
    Map<String, long[]> shapes = new LinkedHashMap<>();
    t.layerOutputShapes().forEach((k, v) -> shapes.put(k, v.asArray()));
    out.put(model.name(), shapes);
    for (Layer l : model.layers()) {
      if (l instanceof Functional inner && !out.containsKey(inner.name())) {
        Ops scope = tf.withSubScope(org.kerasbridge.graph.GraphRuntime.opName(inner.name()));
        List<TensorSpec> specs = new ArrayList<>();
        for (InputLayer il : inner.inputLayers()) {
          specs.add(new TensorSpec(il.name(), il.inputDtype(), il.batchShape()));
        }
        traceShapes(inner, scope, inputs(scope, specs), fresh, out);
      }
    }
  }

  private static List<Operand<? extends TType>> inputs(Ops tf, List<TensorSpec> specs) {
    List<Operand<? extends TType>> ins = new ArrayList<>();
    for (TensorSpec s : specs) {
      ins.add(tf.withName(org.kerasbridge.graph.GraphRuntime.opName(s.name())).placeholder(
          s.dtype().tensorType(), Placeholder.shape(Shape.of(s.shape()))));
    }
    return ins;
  }
}
