package org.kerasbridge.graph;

import java.lang.reflect.Constructor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.tensorflow.DeviceSpec;
import org.tensorflow.ExecutionEnvironment;
import org.tensorflow.Graph;
import org.tensorflow.Operation;
import org.tensorflow.OperationBuilder;
import org.tensorflow.op.Ops;
import org.tensorflow.op.Scope;

/**
 * The {@link Scope} of a {@link GraphRuntime}'s graph: TF Java's {@code OpScope} naming (same
 * op names, same {@code _1} suffixes), without rescanning the graph at every sub-scope.
 *
 * <p>TF Java's {@code NameScope.withSubScope} walks every operation of the graph through JNI to
 * learn the names already used (it allows several unrelated scope objects to share a prefix).
 * {@code tf.withSubScope}, {@code tf.zeros} and {@code tf.ones} all create sub-scopes, so a graph
 * that grows by a sub-scope per layer call, per variable or per time step costs time quadratic in
 * its size: a 60-step LSTM seq2seq spent seconds in that scan before its first training step.
 * Here every name is handed out by the scope tree rooted at the runtime's graph, which starts
 * empty and gets its ops only through this tree (or under a prefix this tree made unique, as
 * {@code Graph.addGradients} does), so a new sub-scope's prefix is already unique and starts with
 * no used names. {@link #refreshNames()} still imports the graph's names on request.
 *
 * <p>{@link Ops} takes its scope only through a package-private constructor, reached by
 * reflection; where that is refused (TF Java on the module path without the package opened), the
 * runtime falls back to TF Java's own scope, which names identically but scans.
 */
final class GraphScope implements Scope {
  private static final Pattern NAME_REGEX = Pattern.compile("[A-Za-z0-9.][A-Za-z0-9_.\\-]*");
  private static final Pattern NAME_PATTERN = Pattern.compile("(.+)_(\\d+)", Pattern.DOTALL);
  private static final Constructor<Ops> OPS = opsConstructor();

  private final Graph graph;
  /** Prefix of every name made here ({@code a/b}), null at the root. */
  private final String prefix;
  /** The name of the next op ({@code withName}), overriding the op's default name. */
  private final String opName;
  /** Names used under {@code prefix}, each with its next suffix; shared with withName copies. */
  private final Map<String, Integer> ids;
  private final List<Operation> controls;
  private final DeviceSpec device;
  private final boolean init;

  private GraphScope(Graph graph, String prefix, String opName, Map<String, Integer> ids,
      List<Operation> controls, DeviceSpec device, boolean init) {
    this.graph = graph;
    this.prefix = prefix;
    this.opName = opName;
    this.ids = ids;
    this.controls = controls;
    this.device = device;
    this.init = init;
  }

  /**
   * {@code Ops} for a new, empty graph that this scope tree alone names; TF Java's own for a graph
   * that already has ops, or when its constructor cannot be reached.
   */
  static Ops root(Graph graph) {
    // ops already in the graph may use any prefix: then only TF Java's scans keep names unique
    if (OPS != null && !graph.operations().hasNext()) {
      GraphScope s = new GraphScope(graph, null, null, new HashMap<>(), new ArrayList<>(),
          DeviceSpec.newBuilder().build(), false);
      try {
        return OPS.newInstance(s);
      } catch (ReflectiveOperationException | RuntimeException e) {
        // fall through to TF Java's scope
      }
    }
    return Ops.create(graph);
  }

  private static Constructor<Ops> opsConstructor() {
    if (Boolean.getBoolean("kerasbridge.tfjava.scopes")) {
      return null; // TF Java's own scopes, for comparison
    }
    try {
      Constructor<Ops> c = Ops.class.getDeclaredConstructor(Scope.class);
      c.setAccessible(true);
      return c;
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  @Override
  public ExecutionEnvironment env() {
    return graph;
  }

  @Override
  public Scope withSubScope(String childScopeName) {
    check(childScopeName);
    String name = opName != null ? opName : childScopeName;
    return new GraphScope(graph, qualify(makeUnique(name)), null, new HashMap<>(), controls,
        device, init);
  }

  @Override
  public Scope withName(String name) {
    check(name);
    return new GraphScope(graph, prefix, name, ids, controls, device, init);
  }

  @Override
  public Scope withNameAsSubScope(String defaultName) {
    // OpScope: a sub-scope named by makeOpName(defaultName), i.e. the unique qualified name
    return new GraphScope(graph, makeOpName(defaultName), null, new HashMap<>(), controls,
        device, init);
  }

  @Override
  public Scope withDevice(DeviceSpec newDevice) {
    return new GraphScope(graph, prefix, opName, ids, controls, newDevice, init);
  }

  @Override
  public Scope withInitScope() {
    return new GraphScope(graph, prefix, opName, ids, new ArrayList<>(), device, true);
  }

  @Override
  public String makeOpName(String defaultName) {
    check(defaultName);
    return qualify(makeUnique(opName != null ? opName : defaultName));
  }

  @Override
  public String makeUnique(String id) {
    Integer cur = ids.get(id);
    if (cur == null) {
      ids.put(id, 1);
      return id;
    }
    ids.put(id, cur + 1);
    return String.format("%s_%d", id, cur);
  }

  /** As TF Java's {@code NameScope.importIdsFrom}: learns the graph's names under the prefix. */
  @Override
  public void refreshNames() {
    String p = prefix == null ? "" : prefix + "/";
    graph.operations().forEachRemaining(op -> {
      String name = op.name();
      if (!name.startsWith(p)) {
        return;
      }
      name = name.substring(p.length());
      if (name.contains("/")) {
        return;
      }
      Matcher m = NAME_PATTERN.matcher(name);
      if (m.find()) {
        String real = m.group(1);
        int num = Integer.parseInt(m.group(2)) + 1;
        if (!(ids.containsKey(real) && ids.get(real) > num)) {
          ids.put(real, num);
        }
      } else {
        ids.merge(name, 1, Integer::sum);
      }
    });
  }

  @Override
  public Scope withControlDependencyOps(Iterable<Operation> ops) {
    List<Operation> add = new ArrayList<>();
    for (Operation control : ops) {
      graph.checkInput(control);
      if (init && !graph.isInitializer(control)) {
        throw new IllegalArgumentException("Init scope can not have non-init control dependency.");
      }
      if (init || !graph.isInitializer(control)) {
        add.add(control);
      }
    }
    return new GraphScope(graph, prefix, opName, ids, add, device, init);
  }

  @Override
  public OperationBuilder apply(OperationBuilder builder) {
    builder.setDevice(device.toString());
    for (Operation control : controls) {
      if (init || !graph.isInitializer(control)) {
        builder.addControlInput(control);
      }
    }
    return builder;
  }

  @Override
  public String getDeviceString() {
    return device.toString();
  }

  @Override
  public boolean isInit() {
    return init;
  }

  private String qualify(String name) {
    return prefix == null ? name : prefix + "/" + name;
  }

  private static void check(String name) {
    if (name == null) {
      throw new IllegalArgumentException("Names cannot be null");
    }
    if (!NAME_REGEX.matcher(name).matches()) {
      throw new IllegalArgumentException(String.format(
          "invalid name: '%s' does not match the regular expression %s", name,
          NAME_REGEX.pattern()));
    }
  }
}
