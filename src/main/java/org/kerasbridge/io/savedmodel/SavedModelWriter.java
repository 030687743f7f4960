package org.kerasbridge.io.savedmodel;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.kerasbridge.KerasBridgeException;
import org.kerasbridge.graph.Device;
import org.kerasbridge.graph.GraphRuntime;
import org.kerasbridge.io.AtomicFiles;
import org.kerasbridge.io.ModelSpec;
import org.kerasbridge.layers.CallContext;
import org.kerasbridge.layers.Layer;
import org.kerasbridge.layers.Weight;
import org.kerasbridge.model.Functional;
import org.kerasbridge.model.KerasModel;
import org.kerasbridge.model.TensorSpec;
import org.kerasbridge.ndarray.NpyArray;
import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.SessionFunction;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TType;

/**
 * Writes a model as a TensorFlow SavedModel for serving, through TF Java's
 * {@link SavedModelBundle#exporter}: tag {@code serve}, one signature {@code serving_default}
 * (method {@code tensorflow/serving/predict}), the variables in {@code variables/}.
 *
 * <p><b>Signature naming.</b> Inputs are named after the model's input layers
 * ({@code input_layer}, {@code in_a}, ...), with the input's dtype and shape (batch dimension
 * unknown unless the model fixes it). Outputs are named after the layers that produce them,
 * Keras's {@code model.output_names} ({@code dense_1}, {@code out_class}); when one layer produces
 * several outputs (an LSTM with {@code return_state}), the second and later get {@code _1},
 * {@code _2}, ... appended, and any name still taken gets the next free suffix. Outputs are
 * float32. A SignatureDef has no order: callers should match outputs by name (TF Java's
 * {@link SavedModel} lists them in natural name order).
 *
 * <p><b>What is exported.</b> A clean inference graph: the model is rebuilt from its
 * {@link KerasModel#toSpec() spec} (current weights) on CPU and traced once with
 * {@code training=false}, so no training ops, gradients, optimizer or optimizer slots are in it;
 * Dropout is the identity and BatchNormalization uses its moving statistics. The weights are
 * graph variables holding the values at export time. A SavedModel cannot carry the Keras config,
 * the compile config or the optimizer state, so it cannot be converted back to {@code .keras} or
 * {@code .h5} nor trained further from its file.
 *
 * <p><b>Stateful models</b> (stateful RNNs): the state variables are exported too, holding zeros
 * (the state after a reset). Each call of {@code serving_default} runs the model from the current
 * state and stores the final state, as Keras's {@code predict} on a stateful model does, so the
 * state carries over from one call to the next within one loaded SavedModel (shared by all callers
 * of that instance); loading the SavedModel again starts from zeros. The batch size is fixed by
 * the model.
 */
public final class SavedModelWriter {
  static {
    org.kerasbridge.graph.NativeLogging.configure(); // before any TensorFlow native loads
  }

  public static final String METHOD = "tensorflow/serving/predict";

  private SavedModelWriter() {}

  /**
   * Writes {@code model} to the directory {@code out} atomically (a temporary sibling directory
   * renamed into place); refuses an existing {@code out} unless {@code overwrite}.
   *
   * @return notes on the export (empty)
   */
  public static List<String> write(KerasModel model, Path out, boolean overwrite) {
    org.kerasbridge.io.ModelWriters.ensureBuilt(model);
    ModelSpec spec = model.toSpec();
    ModelSpec inference = new ModelSpec(spec.source(), spec.format(), spec.kerasVersion(),
        spec.modelConfig(), spec.weights(), null, Map.of(), spec.translations());
    try (KerasModel fresh = KerasModel.fromSpec(inference, Device.CPU)) {
      GraphRuntime rt = fresh.runtime();
      Signature sig = servingSignature(fresh, inference);
      AtomicFiles.writeDirectory(out, overwrite, dir -> export(rt, sig, dir));
    }
    return List.of();
  }

  private static void export(GraphRuntime rt, Signature sig, Path dir) throws IOException {
    try {
      SavedModelBundle.exporter(dir.toString()).withSession(rt.session())
          .withFunction(SessionFunction.create(sig, rt.session())).export();
    } catch (RuntimeException e) {
      if (org.kerasbridge.graph.TfErrors.isTensorFlowError(e)) {
        throw new IOException("TensorFlow could not export the SavedModel: " + e.getMessage(), e);
      }
      throw e;
    }
  }

  /** Traces the serving graph in {@code fresh}'s graph and loads the weights into it. */
  private static Signature servingSignature(KerasModel fresh, ModelSpec spec) {
    GraphRuntime rt = fresh.runtime();
    Ops in = rt.tf().withSubScope("serving_inputs");
    List<Placeholder<?>> placeholders = new ArrayList<>();
    List<Operand<? extends TType>> ins = new ArrayList<>();
    for (TensorSpec s : fresh.inputs()) {
      Placeholder<?> p = in.withName(GraphRuntime.opName(s.name())).placeholder(
          s.dtype().tensorType(), Placeholder.shape(Shape.of(s.shape())));
      placeholders.add(p);
      ins.add(p);
    }
    CallContext ctx = new CallContext(rt, false, 0);
    Functional.Traced traced;
    try {
      traced = fresh.root().trace(rt.tf().withSubScope("serving"), ins, null, ctx);
    } catch (org.kerasbridge.UnsupportedFeatureException e) {
      throw e;
    } catch (KerasBridgeException e) {
      throw new org.kerasbridge.UnsupportedFeatureException(spec.source() + ": cannot export a"
          + " SavedModel, whose one graph must serve every input shape the signature admits: "
          + e.getMessage());
    }
    loadWeights(fresh, spec);
    fresh.resetStates();
    Ops outOps = rt.tf().withSubScope("serving_outputs");
    List<Op> updates = ctx.updates();
    if (!updates.isEmpty()) {
      outOps = outOps.withControlDependencies(updates);
    }
    Signature.Builder b = Signature.builder().key(SavedModel.DEFAULT_SIGNATURE).methodName(METHOD);
    for (int i = 0; i < placeholders.size(); i++) {
      b.input(fresh.inputs().get(i).name(), placeholders.get(i));
    }
    List<String> names = outputNames(fresh.root().outputNames());
    for (int k = 0; k < names.size(); k++) {
      Operand<TFloat32> y = outOps.withName(GraphRuntime.opName(names.get(k)))
          .identity(traced.outputs().get(k));
      b.output(names.get(k), y);
    }
    return b.build();
  }

  /** The output names: producing layer names, made unique with {@code _1}, {@code _2}, .... */
  public static List<String> outputNames(List<String> layers) {
    Set<String> used = new HashSet<>();
    List<String> out = new ArrayList<>();
    for (String l : layers) {
      String n = l;
      for (int i = 1; used.contains(n); i++) {
        n = l + "_" + i;
      }
      used.add(n);
      out.add(n);
    }
    return out;
  }

  /** Assigns the spec's weights to the freshly traced model's variables, by position. */
  private static void loadWeights(KerasModel fresh, ModelSpec spec) {
    Map<String, NpyArray> values = new LinkedHashMap<>();
    for (Layer l : fresh.root().layers()) {
      List<Weight> ws = l.weights();
      List<ModelSpec.NamedArray> stored = spec.weightsOf(l.name());
      if (ws.size() != stored.size()) {
        throw new KerasBridgeException(spec.source() + ": layer '" + l.name() + "' has "
            + ws.size() + " weights, the model's spec " + stored.size());
      }
      for (int i = 0; i < ws.size(); i++) {
        values.put(ws.get(i).variable().path(),
            stored.get(i).array().castTo(org.kerasbridge.ndarray.DType.FLOAT32));
      }
    }
    fresh.setWeightValues(values);
  }
}
