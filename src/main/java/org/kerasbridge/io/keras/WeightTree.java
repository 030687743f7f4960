package org.kerasbridge.io.keras;

import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.kerasbridge.InvalidInputException;
import org.kerasbridge.io.h5.Hdf5;

/**
 * The group tree of a Keras 3 weights file ({@code model.weights.h5} or {@code .weights.h5}) as
 * Keras meant it, with a backslash inside a link name read as the path separator.
 *
 * <p>tf.keras 2.13 to 2.15 built each object's path with {@code tf.io.gfile.join}, which is
 * {@code os.path.join}: on Windows, {@code _layer_checkpoint_dependencies\dense} and then h5py's
 * own {@code /vars}. Such a file holds a root group literally named
 * {@code layers\lstm\cell} with a child {@code vars}, where the same version on Linux writes
 * {@code layers/lstm/cell/vars}. Here every link name is split at backslashes and its parts are
 * placed in one tree, creating the groups the name implies ("virtual" nodes, with no HDF5 group
 * and so no attributes), so {@code layers\lstm} (a real group holding {@code vars}) and
 * {@code layers\lstm\cell} (another real group, a sibling in the file) become {@code layers/lstm}
 * and its child {@code cell}. Names of either kind may be mixed at any depth.
 *
 * <p>The tree is built once from objects inside the file and names nothing else, so no name can
 * lead outside it; a name whose parts are empty, {@code .} or {@code ..} (an absolute or
 * traversing path), two objects landing on one path, and a tree deeper than
 * {@link Hdf5#MAX_DEPTH} or larger than {@link Hdf5#MAX_NODES} nodes (virtual ones included) are
 * refused with an {@link InvalidInputException}, before anything is read. Children are listed
 * sorted by name, as jHDF lists a group's.
 */
final class WeightTree {
  private final String path;
  private final int depth;
  /** The HDF5 group at this path, or null for a group only a backslash name implies. */
  private Group group;
  private final Map<String, WeightTree> groups = new TreeMap<>();
  private final Map<String, Dataset> datasets = new TreeMap<>();

  private WeightTree(String path, int depth, Group group) {
    this.path = path;
    this.depth = depth;
    this.group = group;
  }

  /** What building found: the tree, and how many link names held a backslash. */
  record Built(WeightTree root, int backslashNames) {}

  /**
   * The normalized tree of {@code root}, whose structure {@link Hdf5#open} has already checked
   * (no links, no cycles, bounded depth and size).
   *
   * @param where names the file in error messages
   */
  static Built of(Group root, String where) {
    WeightTree tree = new WeightTree("/", 0, root);
    int[] counts = {0, 0};
    tree.attach(root, where, counts);
    return new Built(tree, counts[1]);
  }

  /** The normalized path, {@code /} for the root, else ending in {@code /}. */
  String path() {
    return path;
  }

  /** The child group {@code name}, or null. */
  WeightTree group(String name) {
    return groups.get(name);
  }

  /** The child dataset {@code name}, or null. */
  Dataset dataset(String name) {
    return datasets.get(name);
  }

  /** Every child's name, groups and datasets, sorted. */
  TreeSet<String> childNames() {
    TreeSet<String> out = new TreeSet<>(groups.keySet());
    out.addAll(datasets.keySet());
    return out;
  }

  /** Child group names, sorted. */
  TreeSet<String> groupNames() {
    return new TreeSet<>(groups.keySet());
  }

  /** A string attribute of the HDF5 group here, or null (always null for a virtual node). */
  String stringAttribute(String name) {
    return group == null ? null : Hdf5.stringAttribute(group, name);
  }

  /** True when a dataset sits anywhere below this node. */
  boolean holdsDatasets() {
    if (!datasets.isEmpty()) {
      return true;
    }
    for (WeightTree g : groups.values()) {
      if (g.holdsDatasets()) {
        return true;
      }
    }
    return false;
  }

  private void attach(Group g, String where, int[] counts) {
    for (Map.Entry<String, Node> c : g.getChildren().entrySet()) {
      String name = c.getKey();
      String[] parts = parts(name, where);
      if (parts.length > 1) {
        counts[1]++;
      }
      if (depth + parts.length > Hdf5.MAX_DEPTH) {
        throw new InvalidInputException(where + ": HDF5 name '" + shorten(name) + "' under '"
            + path + "' nests groups more than " + Hdf5.MAX_DEPTH + " deep once its backslashes"
            + " are read as separators; Keras files are far shallower");
      }
      WeightTree parent = this;
      for (int i = 0; i < parts.length - 1; i++) {
        parent = parent.childGroup(parts[i], null, name, where, counts);
      }
      String last = parts[parts.length - 1];
      Node n = c.getValue();
      if (n instanceof Group cg) {
        parent.childGroup(last, cg, name, where, counts).attach(cg, where, counts);
      } else if (n instanceof Dataset ds) {
        if (parent.groups.containsKey(last) || parent.datasets.containsKey(last)) {
          throw duplicate(parent.path + last, name, where);
        }
        count(counts, where);
        parent.datasets.put(last, ds);
      }
    }
  }

  /**
   * The child group {@code name}, created when absent. A real HDF5 group may take over a node an
   * earlier backslash name implied, but two real groups never share a path.
   */
  private WeightTree childGroup(String name, Group real, String linkName, String where,
      int[] counts) {
    if (datasets.containsKey(name)) {
      throw duplicate(path + name, linkName, where);
    }
    WeightTree child = groups.get(name);
    if (child == null) {
      count(counts, where);
      child = new WeightTree(path + name + "/", depth + 1, real);
      groups.put(name, child);
    } else if (real != null) {
      if (child.group != null) {
        throw duplicate(child.path, linkName, where);
      }
      child.group = real;
    }
    return child;
  }

  private static void count(int[] counts, String where) {
    if (++counts[0] > Hdf5.MAX_NODES) {
      throw new InvalidInputException(where + ": more than " + Hdf5.MAX_NODES + " HDF5 objects"
          + " once backslash names are read as paths; not a Keras model file");
    }
  }

  private static String[] parts(String name, String where) {
    if (name.indexOf('\\') < 0 && !name.isEmpty() && !name.equals(".") && !name.equals("..")) {
      return new String[] {name};
    }
    // the depth limit bounds the useful parts; a longer name fails below without being split
    int n = 1;
    for (int i = 0; i < name.length(); i++) {
      if (name.charAt(i) == '\\' && ++n > Hdf5.MAX_DEPTH + 1) {
        break;
      }
    }
    if (n > Hdf5.MAX_DEPTH) {
      throw new InvalidInputException(where + ": HDF5 name '" + shorten(name) + "' has more than "
          + Hdf5.MAX_DEPTH + " backslash-separated parts; Keras files are far shallower");
    }
    String[] parts = name.split("\\\\", -1);
    for (String p : parts) {
      if (p.isEmpty() || p.equals(".") || p.equals("..")) {
        throw new InvalidInputException(where + ": HDF5 name '" + shorten(name) + "' has an "
            + (p.isEmpty() ? "empty" : "'" + p + "'") + " path part; a Keras weights path is"
            + " relative and never steps up (backslashes are read as '/')");
      }
    }
    return parts;
  }

  private static InvalidInputException duplicate(String path, String linkName, String where) {
    return new InvalidInputException(where + ": two HDF5 objects map to the weights path '"
        + path + "' (the second named '" + shorten(linkName) + "', with backslashes read as"
        + " '/'); a Keras weights file names each object once");
  }

  private static String shorten(String s) {
    return s.length() > 200 ? s.substring(0, 200) + "... (" + s.length() + " characters)" : s;
  }
}
