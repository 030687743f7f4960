package org.kerasbridge.io.savedmodel;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.kerasbridge.InvalidInputException;
import org.kerasbridge.KerasBridgeException;
import org.kerasbridge.UnsupportedFeatureException;
import org.kerasbridge.graph.Device;
import org.kerasbridge.graph.Devices;
import org.kerasbridge.model.InferenceModel;
import org.kerasbridge.model.TensorSpec;
import org.kerasbridge.ndarray.DType;
import org.kerasbridge.ndarray.NpyArray;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;
import org.tensorflow.proto.TensorShapeProto;

/**
 * A TensorFlow SavedModel loaded through TF Java's {@link SavedModelBundle}, called by signature.
 *
 * <p>Signature metadata comes from the {@link MetaGraphDef}. A SignatureDef maps names to tensors
 * with no positional order, so positional inputs and outputs are taken in natural name order
 * ({@code output_2} before {@code output_10}); Keras's {@code model.export} names outputs
 * {@code output_0, output_1, ...}, so this is Keras's output order.
 *
 * <p>Threads: {@link #predict} may be called from many threads at once; see there.
 *
 * <p>Before TensorFlow loads the graph (which runs its restore and init ops), ops that touch files
 * or call out of TensorFlow are refused ({@link GraphVetting}).
 */
public final class SavedModel implements InferenceModel {
  static {
    org.kerasbridge.graph.NativeLogging.configure(); // before any TensorFlow native loads
  }

  public static final String DEFAULT_SIGNATURE = "serving_default";

  /** A signature's key, method and ordered inputs and outputs, with their graph tensor names. */
  public record SignatureInfo(String key, String methodName, List<TensorSpec> inputs,
      List<TensorSpec> outputs, Map<String, String> tensorNames, List<String> unsupported) {}

  private final Path dir;
  private final SavedModelBundle bundle;
  private final List<SignatureInfo> signatures;
  private final SignatureInfo active;

  private SavedModel(Path dir, SavedModelBundle bundle, String signatureKey) {
    this.dir = dir;
    this.bundle = bundle;
    List<SignatureInfo> sigs;
    try {
      sigs = readSignatures(bundle.metaGraphDef(), dir);
    } catch (RuntimeException e) {
      bundle.close();
      throw new InvalidInputException(dir + ": cannot read the SavedModel's signatures: " + e,
          e);
    }
    this.signatures = sigs;
    this.active = signatures.stream().filter(s -> s.key().equals(signatureKey)).findFirst()
        .orElseThrow(() -> {
          bundle.close();
          return new InvalidInputException(dir + ": no signature '" + signatureKey
              + "'; it has " + signatures.stream().map(SignatureInfo::key).toList());
        });
    if (!active.unsupported().isEmpty()) {
      bundle.close();
      throw new UnsupportedFeatureException(dir + ": signature '" + signatureKey
          + "' has tensors of dtypes KerasBridge cannot feed or fetch", active.unsupported());
    }
    // every tensor the signature names must be in the graph: TF Java's feed and fetch would
    // otherwise fail with an untyped error at the first predict (found by bench/fuzz.sh)
    List<String> missing = new ArrayList<>();
    active.tensorNames().forEach((what, tensor) -> {
      int colon = tensor.lastIndexOf(':');
      String op = colon < 0 ? tensor : tensor.substring(0, colon);
      int index = 0;
      try {
        index = colon < 0 ? 0 : Integer.parseInt(tensor.substring(colon + 1));
      } catch (NumberFormatException e) {
        index = -1;
      }
      org.tensorflow.GraphOperation o = bundle.graph().operation(op);
      if (o == null || index < 0 || index >= o.numOutputs()) {
        missing.add((what.startsWith("in:") ? "input '" : "output '") + what.substring(3)
            + "' names tensor '" + tensor + "'");
      }
    });
    if (!missing.isEmpty()) {
      bundle.close();
      throw new InvalidInputException(dir + ": signature '" + signatureKey + "' names tensors"
          + " that are not in the graph: " + String.join("; ", missing));
    }
  }

  /** True when {@code dir} looks like a SavedModel directory. */
  public static boolean isSavedModel(Path dir) {
    return Files.isDirectory(dir) && (Files.isRegularFile(dir.resolve("saved_model.pb"))
        || Files.isRegularFile(dir.resolve("saved_model.pbtxt")));
  }

  public static SavedModel load(Path dir) {
    return load(dir, Device.CPU, DEFAULT_SIGNATURE);
  }

  /** Loads the {@code serve} meta graph and selects {@code signatureKey} for {@link #predict}. */
  public static SavedModel load(Path dir, Device device, String signatureKey) {
    if (!Files.isDirectory(dir)) {
      throw new InvalidInputException(dir + ": not a directory; a SavedModel is a directory"
          + " holding saved_model.pb");
    }
    if (!isSavedModel(dir)) {
      throw new InvalidInputException(dir + ": no saved_model.pb; not a SavedModel directory");
    }
    GraphVetting.check(dir);
    Devices.Placement placement = Devices.place(device);
    SavedModelBundle bundle;
    try {
      bundle = SavedModelBundle.loader(dir.toString()).withTags(SavedModelBundle.DEFAULT_TAG)
          .withConfigProto(placement.config()).load();
    } catch (RuntimeException e) {
      // TF's own errors, and anything TF Java raises while decoding the files
      throw new InvalidInputException(dir + ": TensorFlow could not load the SavedModel: "
          + (org.kerasbridge.graph.TfErrors.isTensorFlowError(e) ? "" : e.getClass().getName()
          + ": ") + firstLine(e.getMessage()), e);
    }
    return new SavedModel(dir, bundle, signatureKey);
  }

  /** Every signature in the {@code serve} meta graph, sorted by key. */
  public List<SignatureInfo> signatures() {
    return signatures;
  }

  public SignatureInfo signature() {
    return active;
  }

  public Path path() {
    return dir;
  }

  @Override
  public List<TensorSpec> inputs() {
    return active.inputs();
  }

  @Override
  public List<TensorSpec> outputs() {
    return active.outputs();
  }

  /**
   * Runs the active signature. Thread-safe: any number of threads may predict at once (one
   * TensorFlow session runs the calls concurrently, with results equal to serial calls);
   * {@link #close} waits for them, and a call after it fails with a
   * {@link org.kerasbridge.model.ConcurrentUseException}. An export with state variables
   * (a stateful RNN) continues its state on every call, so concurrent calls to one make no sense.
   */
  @Override
  public List<NpyArray> predict(List<NpyArray> inputs, int batchSize) {
    lock.readLock().lock();
    try {
      if (closed) {
        throw new org.kerasbridge.model.ConcurrentUseException(dir + ": the model is closed");
      }
      return predictOpen(inputs, batchSize);
    } finally {
      lock.readLock().unlock();
    }
  }

  private List<NpyArray> predictOpen(List<NpyArray> inputs, int batchSize) {
    List<TensorSpec> specs = active.inputs();
    if (batchSize < 1) {
      throw new InvalidInputException("batch size must be >= 1, got " + batchSize);
    }
    // no cast: a signature takes exactly its dtypes, as TF Serving does
    org.kerasbridge.model.InputCheck.check(dir + " signature '" + active.key() + "'", specs,
        inputs, false, "input");
    // Split into batches only when every input and every output of known rank has a free batch
    // dimension: a stateful export (fixed-size state) declares a fixed output batch.
    boolean batchable = !specs.isEmpty() && specs.stream()
        .allMatch(TensorSpec::hasFreeBatchDimension)
        && active.outputs().stream().allMatch(o -> o.shape() == null
            || o.hasFreeBatchDimension());
    long rows = inputs.isEmpty() || inputs.get(0).rank() == 0 ? 0 : inputs.get(0).shape()[0];
    if (batchable) {
      for (NpyArray a : inputs) {
        if (a.shape()[0] != rows) {
          throw new InvalidInputException(dir + ": all inputs must have the same number of rows;"
              + " got " + inputs.stream().map(NpyArray::toString).toList());
        }
      }
    }
    if (!batchable) {
      return run(inputs);
    }
    return NpyArray.inBatches(inputs, batchSize, this::run);
  }

  private List<NpyArray> run(List<NpyArray> inputs) {
    List<Tensor> fed = new ArrayList<>();
    try {
      Session.Runner runner = bundle.session().runner();
      for (int i = 0; i < inputs.size(); i++) {
        Tensor t = inputs.get(i).toTensor();
        fed.add(t);
        runner.feed(active.tensorNames().get("in:" + active.inputs().get(i).name()), t);
      }
      for (TensorSpec o : active.outputs()) {
        runner.fetch(active.tensorNames().get("out:" + o.name()));
      }
      try (Result result = runner.run()) {
        List<NpyArray> out = new ArrayList<>();
        for (int k = 0; k < active.outputs().size(); k++) {
          out.add(NpyArray.fromTensor(result.get(k)));
        }
        return out;
      }
    } catch (RuntimeException e) {
      if (org.kerasbridge.graph.TfErrors.isTensorFlowError(e)) {
        throw org.kerasbridge.graph.TfErrors.wrap(dir + ": TensorFlow failed running signature '"
            + active.key() + "'", e);
      }
      throw e;
    } finally {
      fed.forEach(Tensor::close);
    }
  }

  @Override
  public String summary() {
    StringBuilder b = new StringBuilder("SavedModel: ").append(dir).append('\n');
    for (SignatureInfo s : signatures) {
      b.append("signature '").append(s.key()).append("' (").append(s.methodName()).append(")")
          .append(s == active ? " [selected]" : "").append('\n');
      for (TensorSpec t : s.inputs()) {
        b.append("  input  ").append(t).append('\n');
      }
      for (TensorSpec t : s.outputs()) {
        b.append("  output ").append(t).append('\n');
      }
      for (String u : s.unsupported()) {
        b.append("  unsupported ").append(u).append('\n');
      }
    }
    return b.toString();
  }

  private final java.util.concurrent.locks.ReentrantReadWriteLock lock =
      new java.util.concurrent.locks.ReentrantReadWriteLock();
  private boolean closed;

  @Override
  public void close() {
    lock.writeLock().lock();
    try {
      if (!closed) {
        closed = true;
        bundle.close();
      }
    } finally {
      lock.writeLock().unlock();
    }
  }

  static List<SignatureInfo> readSignatures(MetaGraphDef meta, Path dir) {
    List<SignatureInfo> out = new ArrayList<>();
    for (Map.Entry<String, SignatureDef> e : meta.getSignatureDefMap().entrySet()) {
      if (e.getKey().startsWith("__")) {
        continue; // e.g. __saved_model_init_op: not callable
      }
      SignatureDef def = e.getValue();
      Map<String, String> names = new java.util.HashMap<>();
      List<String> unsupported = new ArrayList<>();
      List<TensorSpec> ins = specs(def.getInputsMap(), "in:", names, e.getKey(), unsupported);
      List<TensorSpec> outs = specs(def.getOutputsMap(), "out:", names, e.getKey(), unsupported);
      out.add(new SignatureInfo(e.getKey(), def.getMethodName(), ins, outs, Map.copyOf(names),
          List.copyOf(unsupported)));
    }
    out.sort(Comparator.comparing(SignatureInfo::key));
    return List.copyOf(out);
  }

  private static List<TensorSpec> specs(Map<String, TensorInfo> map, String prefix,
      Map<String, String> names, String sig, List<String> unsupported) {
    List<TensorSpec> out = new ArrayList<>();
    for (Map.Entry<String, TensorInfo> e : map.entrySet()) {
      TensorInfo info = e.getValue();
      DType dtype = DType.fromDataType(info.getDtype()).orElse(null);
      if (dtype == null) {
        unsupported.add("tensor '" + e.getKey() + "' has dtype " + info.getDtype()
            + " (supported: float32, float64, int32, int64, uint8)");
        continue;
      }
      long[] shape = null;
      TensorShapeProto sp = info.getTensorShape();
      if (!sp.getUnknownRank()) {
        shape = sp.getDimList().stream().mapToLong(TensorShapeProto.Dim::getSize).toArray();
      }
      out.add(new TensorSpec(e.getKey(), dtype, shape));
      names.put(prefix + e.getKey(), info.getName());
    }
    out.sort((a, b) -> naturalCompare(a.name(), b.name()));
    return out;
  }

  /** Compares names so that embedded numbers sort by value: {@code x_2 < x_10}. */
  static int naturalCompare(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      char ca = a.charAt(i);
      char cb = b.charAt(j);
      if (Character.isDigit(ca) && Character.isDigit(cb)) {
        int si = i;
        int sj = j;
        while (i < a.length() && Character.isDigit(a.charAt(i))) {
          i++;
        }
        while (j < b.length() && Character.isDigit(b.charAt(j))) {
          j++;
        }
        int c = new java.math.BigInteger(a.substring(si, i))
            .compareTo(new java.math.BigInteger(b.substring(sj, j)));
        if (c != 0) {
          return c;
        }
      } else {
        if (ca != cb) {
          return Character.compare(ca, cb);
        }
        i++;
        j++;
      }
    }
    return Integer.compare(a.length() - i, b.length() - j);
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "(no message)";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
