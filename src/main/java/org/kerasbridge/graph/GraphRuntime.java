package org.kerasbridge.graph;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.kerasbridge.InvalidInputException;
import org.kerasbridge.KerasBridgeException;
import org.kerasbridge.ShapeMismatchException;
import org.kerasbridge.ndarray.NpyArray;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Assign;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * One TensorFlow graph and the session that runs it, with the model's variables. Everything
 * native is owned here and released by {@link #close()}: the session, the graph, and every tensor
 * a call creates (feeds are closed after the run, fetches are copied out and closed).
 *
 * <p>Variables are keyed by their Keras path ({@code dense/kernel}); each has a placeholder and an
 * assign op so values can be loaded or replaced at any time without rebuilding the graph.
 */
public final class GraphRuntime implements AutoCloseable {
  static {
    NativeLogging.configure(); // before any TensorFlow native loads
  }

  private final Graph graph;
  private final Ops tf;
  private volatile Session session;
  private final Devices.Placement placement;
  private final boolean unrolledLoops;
  private final boolean grapplerRequired;
  private volatile org.tensorflow.proto.ConfigProto sessionConfig;
  private final Map<String, Var> variables = new LinkedHashMap<>();
  private boolean closed;
  private volatile org.tensorflow.proto.RunOptions runOptions;
  private volatile org.tensorflow.proto.RunMetadata lastMetadata;
  private long variableBytes;
  private String owner = "model";

  /**
   * A float32 variable with its load path. Computations read it through {@code read}, an
   * Identity of the variable: TF's C++ gradient functions dereference their inputs' dtypes, which
   * crashes on a ref-typed variable output (seen with Square and Mul), so nothing but assigns
   * touches {@code variable} directly. Gradients are taken with respect to {@code read}.
   */
  public record Var(String path, long[] shape, Variable<TFloat32> variable,
      Operand<TFloat32> read, Placeholder<TFloat32> feed, Assign<TFloat32> assign) {}

  public GraphRuntime(Device device) {
    this(device, false);
  }

  /**
   * @param unrolledLoops the graph will hold recurrent layers unrolled over their time steps:
   *     the session runs Grappler's lean settings for such graphs, or none for a large one
   *     (see {@link SessionConfigs#forDevice(Device, boolean, long)})
   */
  public GraphRuntime(Device device, boolean unrolledLoops) {
    this(device, unrolledLoops, false);
  }

  /**
   * @param grapplerRequired the model's numbers depend on Grappler's rewrites (half precision),
   *     so a large unrolled graph keeps the lean settings instead of running without Grappler
   */
  public GraphRuntime(Device device, boolean unrolledLoops, boolean grapplerRequired) {
    this.placement = Devices.place(device);
    this.graph = new Graph();
    this.tf = GraphScope.root(graph);
    this.unrolledLoops = unrolledLoops;
    this.grapplerRequired = grapplerRequired;
  }

  /**
   * The configuration the session was created with. The session is created at the first run,
   * when the graph holds the model's first trace, so that its size can choose the settings.
   */
  public org.tensorflow.proto.ConfigProto sessionConfig() {
    session();
    return sessionConfig;
  }

  public Ops tf() {
    return tf;
  }

  /** Names what this graph belongs to (a model file) in errors about its variables. */
  public void describeAs(String owner) {
    this.owner = owner;
  }

  /** Bytes of all variables created so far. */
  public long variableBytes() {
    return variableBytes;
  }

  public Graph graph() {
    return graph;
  }

  public Devices.Placement placement() {
    return placement;
  }

  /** Creates the variable {@code path} (unique), uninitialized until values are assigned. */
  public Var createVariable(String path, long[] shape) {
    if (variables.containsKey(path)) {
      throw new KerasBridgeException("variable '" + path + "' already exists in this graph");
    }
    // shapes come from model files: checked here, before TensorFlow sees them
    for (long d : shape) {
      if (d < 0) {
        throw new org.kerasbridge.ShapeMismatchException(owner + ": variable '" + path
            + "' would have shape " + java.util.Arrays.toString(shape) + "; every dimension must"
            + " be known and non-negative (a weight shape depends on an input dimension the"
            + " model does not fix)");
      }
    }
    long bytes = org.kerasbridge.MemoryLimit.sizeOf(shape, 4);
    long total = bytes < 0 || variableBytes + bytes < 0 ? -1 : variableBytes + bytes;
    org.kerasbridge.MemoryLimit.check(total, owner + ": the model's variables (at least "
        + (variables.size() + 1) + ", up to '" + path + "' of shape "
        + java.util.Arrays.toString(shape) + ")");
    variableBytes = total;
    Ops s = scoped(tf, path);
    Variable<TFloat32> v = s.withName("var").variable(Shape.of(shape), TFloat32.class);
    Placeholder<TFloat32> p = s.withName("value").placeholder(TFloat32.class,
        Placeholder.shape(Shape.of(shape)));
    Assign<TFloat32> a = s.withName("assign").assign(v, p);
    Operand<TFloat32> read = s.withName("read").identity(v);
    Var var = new Var(path, shape.clone(), v, read, p, a);
    variables.put(path, var);
    return var;
  }

  /** As {@link #createVariable}, suffixing {@code _1}, {@code _2}, ... if the path is taken. */
  public Var createUniqueVariable(String path, long[] shape) {
    String p = path;
    for (int i = 1; variables.containsKey(p); i++) {
      p = path + "_" + i;
    }
    return createVariable(p, shape);
  }

  public Var variable(String path) {
    Var v = variables.get(path);
    if (v == null) {
      throw new KerasBridgeException("no variable '" + path + "' in this graph");
    }
    return v;
  }

  public boolean hasVariable(String path) {
    return variables.containsKey(path);
  }

  /** Variables in creation order. */
  public List<Var> variables() {
    return List.copyOf(variables.values());
  }

  /** Assigns every given value in one run; each must be float32 and match its variable's shape. */
  public void assign(Map<String, NpyArray> values) {
    if (values.isEmpty()) {
      return;
    }
    List<Tensor> feeds = new ArrayList<>();
    try {
      Session.Runner r = session().runner();
      for (Map.Entry<String, NpyArray> e : values.entrySet()) {
        Var v = variable(e.getKey());
        NpyArray a = e.getValue();
        if (a.dtype() != org.kerasbridge.ndarray.DType.FLOAT32) {
          throw new InvalidInputException("variable '" + e.getKey() + "' is float32, the value"
              + " given is " + a.dtype().kerasName());
        }
        if (!java.util.Arrays.equals(a.shape(), v.shape())) {
          throw new ShapeMismatchException("variable '" + e.getKey() + "' has shape "
              + java.util.Arrays.toString(v.shape()) + ", the value given has shape "
              + java.util.Arrays.toString(a.shape()));
        }
        Tensor t = a.toTensor();
        feeds.add(t);
        r.feed(v.feed(), t);
        r.addTarget(v.assign());
      }
      runChecked(r).close();
    } finally {
      feeds.forEach(Tensor::close);
    }
  }

  /** Reads the current values of the named variables (all when {@code paths} is null). */
  public Map<String, NpyArray> read(List<String> paths) {
    List<String> ps = paths == null ? List.copyOf(variables.keySet()) : paths;
    Map<String, NpyArray> out = new LinkedHashMap<>();
    if (ps.isEmpty()) {
      return out;
    }
    Session.Runner r = session().runner();
    for (String p : ps) {
      r.fetch(variable(p).variable());
    }
    try (Result res = runChecked(r)) {
      for (int i = 0; i < ps.size(); i++) {
        out.put(ps.get(i), NpyArray.fromTensor(res.get(i)));
      }
    }
    return out;
  }

  /**
   * Runs the graph: feeds the given tensors (the caller keeps ownership), fetches {@code fetches}
   * and runs {@code targets}; returns the fetched values as arrays. Nothing native outlives it.
   */
  public List<NpyArray> run(Map<Operand<?>, NpyArray> feeds, List<? extends Operand<?>> fetches,
      List<? extends Op> targets) {
    List<Tensor> fed = new ArrayList<>();
    try {
      Session.Runner r = session().runner();
      for (Map.Entry<Operand<?>, NpyArray> e : feeds.entrySet()) {
        Tensor t = e.getValue().toTensor();
        fed.add(t);
        r.feed(e.getKey(), t);
      }
      for (Operand<?> f : fetches) {
        r.fetch(f);
      }
      for (Op t : targets) {
        r.addTarget(t);
      }
      if (fetches.isEmpty()) {
        runChecked(r).close();
        return List.of();
      }
      try (Result res = runChecked(r)) {
        List<NpyArray> out = new ArrayList<>(fetches.size());
        for (int i = 0; i < fetches.size(); i++) {
          out.add(NpyArray.fromTensor(res.get(i)));
        }
        return out;
      }
    } finally {
      fed.forEach(Tensor::close);
    }
  }

  /** The session, created at the first call (see {@link #sessionConfig()}). */
  public Session session() {
    Session s = session;
    if (s != null) {
      return s;
    }
    synchronized (this) {
      if (closed) {
        throw new IllegalStateException("the graph runtime is closed");
      }
      if (session == null) {
        long ops = 0;
        if (unrolledLoops && !grapplerRequired) {
          for (var it = graph.operations(); it.hasNext(); it.next()) {
            ops++;
          }
        }
        sessionConfig = unrolledLoops ? SessionConfigs.forDevice(placement.actual(), true, ops)
            : placement.config();
        session = new Session(graph, sessionConfig);
      }
      return session;
    }
  }

  /**
   * Run options for every later run (null for none), e.g. {@code trace_level: FULL_TRACE} to
   * collect TF's step statistics, which {@link #lastRunMetadata()} then returns.
   */
  public void setRunOptions(org.tensorflow.proto.RunOptions options) {
    this.runOptions = options;
  }

  /** The metadata of the last run made with run options set, or null. */
  public org.tensorflow.proto.RunMetadata lastRunMetadata() {
    return lastMetadata;
  }

  private Result runChecked(Session.Runner r) {
    try {
      org.tensorflow.proto.RunOptions o = runOptions;
      if (o != null) {
        Result res = r.setOptions(o).runAndFetchMetadata();
        lastMetadata = res.getMetadata().orElse(null);
        return res;
      }
      return r.run();
    } catch (RuntimeException e) {
      if (TfErrors.isTensorFlowError(e)) {
        throw TfErrors.wrap("TensorFlow failed", e);
      }
      throw e;
    }
  }

  /** {@code tf} inside nested name scopes, one per segment of a Keras path like {@code a/b}. */
  public static Ops scoped(Ops tf, String path) {
    Ops s = tf;
    for (String seg : path.split("/")) {
      if (!seg.isEmpty()) {
        s = s.withSubScope(opName(seg));
      }
    }
    return s;
  }

  /** A valid TF op name segment: {@code [A-Za-z0-9.][A-Za-z0-9_.-]*}. */
  public static String opName(String segment) {
    String s = segment.replaceAll("[^A-Za-z0-9_.\\-]", "_");
    return s.isEmpty() || !(Character.isLetterOrDigit(s.charAt(0)) || s.charAt(0) == '.')
        ? "x" + s : s;
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      if (session != null) {
        session.close();
      }
    } finally {
      graph.close();
    }
  }
}
