package org.kerasbridge.io.h5;

import io.jhdf.HdfFile;
import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import io.jhdf.object.datatype.DataType;
import io.jhdf.object.datatype.FixedPoint;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Array;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.kerasbridge.InvalidInputException;
import org.kerasbridge.MemoryLimit;
import org.kerasbridge.UnsupportedFeatureException;
import org.kerasbridge.ndarray.DType;
import org.kerasbridge.ndarray.NpyArray;

/**
 * The few HDF5 operations the Keras readers need, on top of jHDF: opening with typed errors,
 * string attributes (scalar or array, fixed or variable length, chunked as {@code name0},
 * {@code name1}, ...), and datasets as {@link NpyArray}.
 *
 * <p>jHDF quirks handled here: an empty attribute array (h5py writes {@code weight_names=[]} as an
 * empty float64 array) comes back as {@code null}; group children come back sorted by name, so
 * callers must take order from attributes or configs, never from {@link Group#getChildren()}.
 */
public final class Hdf5 {
  private static final byte[] SIGNATURE = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};

  /** Most dimensions a dataset read as a weight may have. */
  public static final int MAX_RANK = 32;

  /**
   * Deepest group nesting a Keras weights file is walked to. Keras nests a group per model,
   * layer, wrapper and cell (about 10 levels for the deepest real models); deeper means a hostile
   * file, or a link cycle, which jHDF follows without end.
   */
  public static final int MAX_DEPTH = 64;

  private Hdf5() {}

  /**
   * True when {@code file} starts with the HDF5 signature, at offset 0 or after a user block
   * (512, 1024, 2048, ... bytes), as the HDF5 spec allows.
   */
  public static boolean hasSignature(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] head = in.readNBytes(8);
      if (Arrays.equals(head, SIGNATURE)) {
        return true;
      }
    } catch (IOException e) {
      return false;
    }
    try (var ch = Files.newByteChannel(file)) {
      long size = ch.size();
      ByteBuffer b = ByteBuffer.allocate(8);
      for (long off = 512; off + 8 <= size && off <= (1L << 24); off *= 2) {
        b.clear();
        ch.position(off);
        while (b.hasRemaining() && ch.read(b) > 0) {
          // keep reading until 8 bytes or EOF
        }
        if (!b.hasRemaining() && Arrays.equals(b.array(), SIGNATURE)) {
          return true;
        }
      }
    } catch (IOException e) {
      return false;
    }
    return false;
  }

  /** True when {@code bytes} start with the HDF5 signature. */
  public static boolean hasSignature(byte[] bytes) {
    return bytes.length >= 8 && Arrays.equals(Arrays.copyOf(bytes, 8), SIGNATURE);
  }

  /**
   * Opens an HDF5 file.
   *
   * @throws InvalidInputException naming the file when it is not readable HDF5
   */
  public static HdfFile open(Path file, String expected) {
    HdfFile h5;
    try {
      h5 = openMapped(file);
    } catch (IOException e) {
      throw new InvalidInputException(file + ": cannot read the file: " + e, e);
    } catch (RuntimeException | StackOverflowError e) {
      throw new InvalidInputException(file + ": not a readable HDF5 file (expected " + expected
          + "): " + e.getMessage(), e);
    }
    return checked(h5, file.toString(), expected);
  }

  /**
   * Opens a file through a read-only memory map, so jHDF slices the map instead of allocating:
   * its file-channel reader allocates a heap buffer of whatever length a (possibly damaged)
   * object header declares before reading, which ends in an OutOfMemoryError; a slice past the end
   * of a map is an ordinary exception. Files of 2 GiB and more (beyond one map) are read through
   * jHDF's channel reader.
   */
  private static HdfFile openMapped(Path file) throws IOException {
    try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file,
        java.nio.file.StandardOpenOption.READ)) {
      if (ch.size() >= Integer.MAX_VALUE) {
        return new HdfFile(file);
      }
      return HdfFile.fromByteBuffer(ch.map(java.nio.channels.FileChannel.MapMode.READ_ONLY, 0,
          ch.size()));
    }
  }

  /** Opens HDF5 bytes held in memory, e.g. {@code model.weights.h5} inside a {@code .keras} zip. */
  public static HdfFile open(byte[] bytes, String where, String expected) {
    HdfFile h5;
    try {
      h5 = HdfFile.fromBytes(bytes);
    } catch (RuntimeException | StackOverflowError e) {
      throw new InvalidInputException(where + ": not a readable HDF5 file (expected " + expected
          + "): " + e.getMessage(), e);
    }
    return checked(h5, where, expected);
  }

  /** Most groups and datasets a Keras file may hold (the largest real models hold thousands). */
  public static final int MAX_NODES = 200_000;

  private static HdfFile checked(HdfFile h5, String where, String expected) {
    try {
      checkStructure(h5, where);
      return h5;
    } catch (RuntimeException | StackOverflowError e) {
      h5.close();
      if (e instanceof InvalidInputException i) {
        throw i;
      }
      throw new InvalidInputException(where + ": damaged HDF5 structure (expected " + expected
          + "): " + e, e);
    }
  }

  /**
   * Walks every group once before anything is read, refusing what jHDF would follow without end
   * or outside the file: a hard link back to a group that contains it (a cycle), groups nested
   * deeper than {@link #MAX_DEPTH}, more than {@link #MAX_NODES} objects, and any soft or external
   * link (Keras writes none; an external link names another file to open).
   */
  static void checkStructure(HdfFile h5, String where) {
    java.util.ArrayDeque<Long> path = new java.util.ArrayDeque<>();
    int[] nodes = {0};
    walk(h5, "/", path, nodes, where);
  }

  private static void walk(Group g, String name, java.util.ArrayDeque<Long> path, int[] nodes,
      String where) {
    long address = g.getAddress();
    if (path.contains(address)) {
      throw new InvalidInputException(where + ": HDF5 group '" + name + "' links back to a group"
          + " that contains it (a cyclic link); Keras files are trees");
    }
    if (path.size() >= MAX_DEPTH) {
      throw new InvalidInputException(where + ": HDF5 groups nested more than " + MAX_DEPTH
          + " deep (at '" + (name.length() > 200 ? name.substring(0, 200) + "..." : name)
          + "'); Keras files are far shallower");
    }
    path.push(address);
    for (Map.Entry<String, Node> c : g.getChildren().entrySet()) {
      if (++nodes[0] > MAX_NODES) {
        throw new InvalidInputException(where + ": more than " + MAX_NODES + " HDF5 objects;"
            + " not a Keras model file");
      }
      Node n = c.getValue();
      String child = name + c.getKey() + "/";
      if (n instanceof io.jhdf.api.Link link) {
        throw new InvalidInputException(where + ": HDF5 " + (link instanceof io.jhdf.links.ExternalLink
            ? "external" : "soft") + " link '" + child.substring(0, child.length() - 1) + "' -> '"
            + link.getTargetPath() + "'; Keras files contain no links, and links are not"
            + " followed");
      }
      if (n instanceof Group cg) {
        walk(cg, child, path, nodes, where);
      }
    }
    path.pop();
  }

  /** The child group {@code name} of {@code parent}, or null when absent or not a group. */
  public static Group childGroup(Group parent, String name) {
    Node n = child(parent, name);
    return n instanceof Group g ? g : null;
  }

  /** The child {@code name} of {@code parent}, or null when absent. */
  public static Node child(Group parent, String name) {
    if (parent == null) {
      return null;
    }
    try {
      return parent.getChildren().get(name);
    } catch (RuntimeException e) {
      return null;
    }
  }

  /**
   * A string attribute, or null when absent. A one-element string array counts as a string, as
   * h5py writes some scalars that way.
   */
  /** Most elements a string-list attribute may hold (layer_names of the largest models: ~1e4). */
  public static final long MAX_ATTRIBUTE_ELEMENTS = 1 << 20;

  /**
   * An attribute's data, its declared size checked first: jHDF allocates the Java array a
   * (possibly damaged) dataspace declares before reading a byte.
   */
  private static Object data(Node node, Attribute a) {
    long n = a.getSize();
    long bytes = a.getSizeInBytes();
    if (n < 0 || n > MAX_ATTRIBUTE_ELEMENTS || bytes < 0 || bytes > (64L << 20)) {
      throw new InvalidInputException("HDF5 attribute '" + a.getName() + "' of '"
          + node.getPath() + "' declares " + n + " elements (" + bytes + " bytes), more than"
          + " a Keras attribute holds (at most " + MAX_ATTRIBUTE_ELEMENTS + ", 64 MiB)");
    }
    return a.getData();
  }

  public static String stringAttribute(Node node, String name) {
    Attribute a = node.getAttribute(name);
    if (a == null) {
      return null;
    }
    Object data = data(node, a);
    if (data instanceof String s) {
      return s;
    }
    List<String> list = new ArrayList<>();
    flattenStrings(data, list);
    return list.size() == 1 ? list.get(0) : null;
  }

  /**
   * A string-list attribute such as {@code layer_names} or {@code weight_names}, in stored order.
   * Keras splits a list too large for one HDF5 object header into {@code name0}, {@code name1},
   * ...; those are joined. Absent or empty gives an empty list.
   */
  public static List<String> stringListAttribute(Node node, String name) {
    List<String> out = new ArrayList<>();
    Attribute a = node.getAttribute(name);
    if (a != null) {
      flattenStrings(data(node, a), out);
      return out;
    }
    for (int chunk = 0; ; chunk++) {
      Attribute c = node.getAttribute(name + chunk);
      if (c == null) {
        return out;
      }
      flattenStrings(data(node, c), out);
    }
  }

  /**
   * A list of names ({@code layer_names}, {@code weight_names}) as
   * {@link #stringListAttribute}, each held to {@link org.kerasbridge.io.KerasJson#MAX_NAME_LENGTH}.
   *
   * @param where the file, for the message
   */
  public static List<String> nameListAttribute(Node node, String name, String where) {
    List<String> out = stringListAttribute(node, name);
    for (String n : out) {
      org.kerasbridge.io.KerasJson.checkName(n, where, "HDF5 attribute '" + name + "' of '"
          + node.getPath() + "'");
    }
    return out;
  }

  /** True when {@code node} carries attribute {@code name} (chunked or not). */
  public static boolean hasAttribute(Node node, String name) {
    return node.getAttribute(name) != null || node.getAttribute(name + "0") != null;
  }

  private static void flattenStrings(Object data, List<String> out) {
    if (data == null) {
      return;
    }
    if (data instanceof String s) {
      out.add(s);
    } else if (data instanceof byte[] b) {
      out.add(new String(b, java.nio.charset.StandardCharsets.UTF_8));
    } else if (data.getClass().isArray()) {
      int n = Array.getLength(data);
      for (int i = 0; i < n; i++) {
        Object e = Array.get(data, i);
        if (e instanceof String || (e != null && e.getClass().isArray())) {
          flattenStrings(e, out);
        } else if (n > 0) {
          throw new InvalidInputException("expected string values, found " + e);
        }
      }
    } else {
      throw new InvalidInputException("expected string values, found " + data);
    }
  }

  /**
   * Reads a dataset into an {@link NpyArray}.
   *
   * <p>float32 stays float32. float64 becomes float32 when {@code floatsToFloat32} is set (what
   * Keras does when it assigns a float64 array into a float32 variable) and stays float64
   * otherwise. float16 widens to float32. Integers keep int32/int64/uint8 and widen otherwise
   * (int8, int16, uint16 to int32; uint32 to int64); unsigned 64-bit and other types are refused.
   *
   * @param where names the file and dataset in error messages
   */
  public static NpyArray read(Dataset ds, boolean floatsToFloat32, String where) {
    long[] shape;
    int itemSize;
    try {
      shape = ds.isScalar() ? new long[0] : ds.getDimensionsAsLong();
      itemSize = ds.getDataType().getSize();
    } catch (RuntimeException e) {
      throw new InvalidInputException(where + ": cannot read dataset header: " + e.getMessage(),
          e);
    }
    if (shape.length > MAX_RANK) {
      throw new InvalidInputException(where + ": dataset has rank " + shape.length
          + ", more than the " + MAX_RANK + " a weight may have");
    }
    // the size jHDF would allocate (as Java arrays, at most 8 bytes an element), checked first
    long bytes = MemoryLimit.sizeOf(shape, Math.max(itemSize, 8));
    long elements = MemoryLimit.sizeOf(shape, 1);
    if (elements < 0 || elements > Integer.MAX_VALUE - 8) {
      throw new InvalidInputException(where + ": dataset of shape " + Arrays.toString(shape)
          + " has " + (elements < 0 ? "more than 2^63" : elements) + " elements, more than"
          + " the 2^31 a weight array may have");
    }
    MemoryLimit.checkHeap(bytes, where + ": dataset of shape " + Arrays.toString(shape));
    if (ds instanceof io.jhdf.api.dataset.ChunkedDataset cd) {
      // jHDF allocates one chunk of the declared chunk shape at a time
      int[] chunk;
      try {
        chunk = cd.getChunkDimensions();
      } catch (RuntimeException e) {
        throw new InvalidInputException(where + ": cannot read the dataset's chunk layout: "
            + e.getMessage(), e);
      }
      long chunkBytes = MemoryLimit.sizeOf(Arrays.stream(chunk).asLongStream().toArray(),
          Math.max(itemSize, 1));
      if (chunkBytes < 0 || chunkBytes > Math.max(bytes, 1 << 20)) {
        throw new InvalidInputException(where + ": dataset of shape " + Arrays.toString(shape)
            + " declares chunks of shape " + Arrays.toString(chunk) + " ("
            + MemoryLimit.describe(chunkBytes) + "), larger than the dataset itself");
      }
    }
    Object flat;
    try {
      flat = ds.isEmpty() ? null : ds.getDataFlat();
    } catch (RuntimeException e) {
      throw new InvalidInputException(where + ": cannot read dataset: " + e.getMessage(), e);
    }
    DataType type = ds.getDataType();
    if (flat == null) {
      return emptyArray(type, shape, floatsToFloat32, where);
    }
    if (flat instanceof float[] f) {
      return NpyArray.ofFloats(shape, f);
    }
    if (flat instanceof double[] d) {
      if (floatsToFloat32) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
          f[i] = (float) d[i];
        }
        return NpyArray.ofFloats(shape, f);
      }
      return NpyArray.ofDoubles(shape, d);
    }
    boolean unsigned = type instanceof FixedPoint fp && !fp.isSigned();
    int size = type.getSize();
    if (unsigned && size == 1) {
      long n = Array.getLength(flat);
      byte[] b = new byte[Math.toIntExact(n)];
      for (int i = 0; i < b.length; i++) {
        b[i] = (byte) ((Number) Array.get(flat, i)).intValue();
      }
      return NpyArray.ofBytes(shape, b);
    }
    if (flat instanceof int[] i) {
      return NpyArray.ofInts(shape, i);
    }
    if (flat instanceof long[] l) {
      return NpyArray.ofLongs(shape, l);
    }
    if (flat instanceof byte[] || flat instanceof short[]) {
      int[] i = new int[Array.getLength(flat)];
      for (int k = 0; k < i.length; k++) {
        i[k] = ((Number) Array.get(flat, k)).intValue();
      }
      return NpyArray.ofInts(shape, i);
    }
    throw new UnsupportedFeatureException(where + ": dataset of HDF5 type " + type.getClass()
        .getSimpleName() + " (" + size + " bytes, Java " + flat.getClass().getSimpleName()
        + ") has no KerasBridge array type (supported: float16/32/64, signed integers up to 64"
        + " bits, unsigned up to 32 bits)");
  }

  private static NpyArray emptyArray(DataType type, long[] shape, boolean toF32, String where) {
    ByteBuffer none = ByteBuffer.allocate(0).order(ByteOrder.LITTLE_ENDIAN);
    boolean isFloat = type instanceof io.jhdf.object.datatype.FloatingPoint;
    if (isFloat) {
      return NpyArray.of(type.getSize() == 8 && !toF32 ? DType.FLOAT64 : DType.FLOAT32,
          shape, none);
    }
    if (type instanceof FixedPoint) {
      return NpyArray.of(type.getSize() == 8 ? DType.INT64 : DType.INT32, shape, none);
    }
    throw new UnsupportedFeatureException(where + ": empty dataset of unsupported HDF5 type "
        + type.getClass().getSimpleName());
  }

  /** The HDF5 dtype name of a dataset as numpy would print it (float32, float64, ...). */
  public static String numpyTypeName(Dataset ds) {
    DataType t = ds.getDataType();
    if (t instanceof io.jhdf.object.datatype.FloatingPoint) {
      return "float" + (t.getSize() * 8);
    }
    if (t instanceof FixedPoint fp) {
      return (fp.isSigned() ? "int" : "uint") + (t.getSize() * 8);
    }
    return t.getClass().getSimpleName();
  }
}
