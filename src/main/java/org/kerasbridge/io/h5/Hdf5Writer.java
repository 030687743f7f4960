package org.kerasbridge.io.h5;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.kerasbridge.InvalidInputException;
import org.kerasbridge.ndarray.DType;
import org.kerasbridge.ndarray.NpyArray;

/**
 * Writes the small subset of HDF5 that Keras files use: nested groups, contiguous numeric datasets
 * (scalar or n-dimensional, float32/float64/int32/int64/uint8), and attributes holding a UTF-8
 * string, a list of UTF-8 strings, or an empty float64 list (what h5py stores for {@code []}).
 *
 * <p>Why not jHDF's writer: jHDF 0.13 writes fixed-length strings only, corrupts a group that has
 * attributes but no children (every weightless Keras layer has such a {@code vars} group), cannot
 * write empty arrays, and breaks on attributes over 64 KB (a large {@code model_config}). This
 * writer avoids all four: strings are variable-length (as h5py writes Python {@code str}), their
 * bytes live in global heap collections, so an attribute message stays 16 bytes per string
 * whatever the string's length.
 *
 * <p>File layout (HDF5 file format specification 3.0): superblock version 2, version 2 object
 * headers ({@code OHDR}, Jenkins lookup3 checksums), "new style" groups with compact link storage
 * (Link Info, Group Info and Link messages in the group's header), compact attribute storage
 * (Attribute messages version 3), contiguous dataset layout (Data Layout version 3), one or more
 * global heap collections ({@code GCOL}) for string data. It is written in one pass: the heap
 * collections first, then each object's data and header after its children, the root group last,
 * then the superblock at offset 0. HDF5 1.8 and later read it (h5py, Keras); so does jHDF.
 *
 * <p>Limits, checked: one attribute message must stay under 64 KB (about 4000 strings in a list;
 * Keras chunks longer lists itself), names are non-empty and contain no {@code /}.
 */
public final class Hdf5Writer {
  private static final byte[] SIGNATURE = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
  private static final long UNDEFINED = -1L;
  private static final int SUPERBLOCK_SIZE = 48;
  private static final int HEAP_MIN_SIZE = 4096;
  private static final int HEAP_MAX_OBJECTS = 60_000;
  private static final int MAX_MESSAGE = 0xFFFF;

  private final Group root = new Group("/");

  /** The root group. */
  public Group root() {
    return root;
  }

  /** A group: named children (groups and datasets, in insertion order) and attributes. */
  public static final class Group {
    private final String name;
    private final Map<String, Object> children = new LinkedHashMap<>();
    private final Map<String, Attr> attributes = new LinkedHashMap<>();

    private Group(String name) {
      this.name = name;
    }

    /** The child group {@code name}, created if missing. */
    public Group group(String childName) {
      checkName(childName);
      Object c = children.get(childName);
      if (c instanceof Group g) {
        return g;
      }
      if (c != null) {
        throw new IllegalArgumentException("'" + childName + "' in group '" + name
            + "' is already a dataset");
      }
      Group g = new Group(childName);
      children.put(childName, g);
      return g;
    }

    /** The group at a relative path {@code a/b/c}, creating missing groups. */
    public Group groupPath(String path) {
      Group g = this;
      for (String seg : path.split("/")) {
        if (!seg.isEmpty()) {
          g = g.group(seg);
        }
      }
      return g;
    }

    /** Adds a dataset holding {@code array} (shape and dtype as given; rank 0 is a scalar). */
    public Dataset dataset(String childName, NpyArray array) {
      checkName(childName);
      if (children.containsKey(childName)) {
        throw new IllegalArgumentException("'" + childName + "' already exists in group '"
            + name + "'");
      }
      Dataset d = new Dataset(array);
      children.put(childName, d);
      return d;
    }

    /** Sets a scalar variable-length UTF-8 string attribute. */
    public Group attribute(String attrName, String value) {
      attributes.put(attrName, new Attr(AttrKind.STRING, List.of(value)));
      return this;
    }

    /** Sets a one-dimensional attribute of variable-length UTF-8 strings. */
    public Group attribute(String attrName, List<String> values) {
      attributes.put(attrName, values.isEmpty() ? new Attr(AttrKind.EMPTY_FLOAT64, List.of())
          : new Attr(AttrKind.STRING_LIST, List.copyOf(values)));
      return this;
    }

    public boolean has(String childName) {
      return children.containsKey(childName);
    }
  }

  /** A dataset: an array and its attributes. */
  public static final class Dataset {
    private final NpyArray array;
    private final Map<String, Attr> attributes = new LinkedHashMap<>();

    private Dataset(NpyArray array) {
      this.array = array;
    }

    public Dataset attribute(String attrName, String value) {
      attributes.put(attrName, new Attr(AttrKind.STRING, List.of(value)));
      return this;
    }
  }

  private enum AttrKind { STRING, STRING_LIST, EMPTY_FLOAT64 }

  private record Attr(AttrKind kind, List<String> values) {}

  private static void checkName(String n) {
    if (n == null || n.isEmpty() || n.contains("/") || n.equals(".")) {
      throw new IllegalArgumentException("invalid HDF5 link name '" + n + "'");
    }
  }

  // ------------------------------------------------------------------ writing

  /** A string's place in a global heap collection. */
  private record HeapRef(long collection, int index, int length) {}

  /** Writes the file to {@code path} (created or truncated). */
  public void write(Path path) throws IOException {
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE,
        StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
      Out out = new Out(ch);
      out.skipTo(SUPERBLOCK_SIZE);
      Map<String, HeapRef> heap = new LinkedHashMap<>();
      List<String> strings = new ArrayList<>();
      collectStrings(root, strings);
      writeHeaps(out, strings, heap);
      Map<Object, Long> addresses = new IdentityHashMap<>();
      long rootAddress = writeGroup(out, root, heap, addresses);
      long eof = out.position();
      ByteBuffer sb = le(SUPERBLOCK_SIZE);
      sb.put(SIGNATURE);
      sb.put((byte) 2); // superblock version
      sb.put((byte) 8); // size of offsets
      sb.put((byte) 8); // size of lengths
      sb.put((byte) 0); // file consistency flags
      sb.putLong(0); // base address
      sb.putLong(UNDEFINED); // superblock extension
      sb.putLong(eof); // end of file address
      sb.putLong(rootAddress);
      sb.putInt(Lookup3.hash(sb.array(), 0, SUPERBLOCK_SIZE - 4));
      out.writeAt(0, sb.array());
    }
  }

  private static void collectStrings(Group g, List<String> out) {
    for (Attr a : g.attributes.values()) {
      out.addAll(a.values());
    }
    for (Object c : g.children.values()) {
      if (c instanceof Group sub) {
        collectStrings(sub, out);
      } else {
        for (Attr a : ((Dataset) c).attributes.values()) {
          out.addAll(a.values());
        }
      }
    }
  }

  /** Global heap collections holding every distinct string (deduplicated). */
  private static void writeHeaps(Out out, List<String> strings, Map<String, HeapRef> refs)
      throws IOException {
    List<byte[]> pending = new ArrayList<>();
    List<String> pendingKeys = new ArrayList<>();
    java.util.Set<String> seen = new java.util.HashSet<>();
    long pendingBytes = 0;
    for (String s : strings) {
      if (!seen.add(s)) {
        continue;
      }
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      pending.add(b);
      pendingKeys.add(s);
      pendingBytes += 16 + align8(b.length);
      if (pending.size() >= HEAP_MAX_OBJECTS || pendingBytes > (64L << 20)) {
        flushHeap(out, pending, pendingKeys, refs);
        pending.clear();
        pendingKeys.clear();
        pendingBytes = 0;
      }
    }
    if (!pending.isEmpty()) {
      flushHeap(out, pending, pendingKeys, refs);
    }
  }

  private static void flushHeap(Out out, List<byte[]> objects, List<String> keys,
      Map<String, HeapRef> refs) throws IOException {
    long used = 16;
    for (byte[] b : objects) {
      used += 16 + align8(b.length);
    }
    // the library reads a collection's first 4096 bytes before it knows its size
    long size = Math.max(HEAP_MIN_SIZE, align8(used + 16));
    long address = out.position();
    ByteBuffer buf = le((int) size);
    buf.put(new byte[] {'G', 'C', 'O', 'L', 1, 0, 0, 0});
    buf.putLong(size);
    for (int i = 0; i < objects.size(); i++) {
      byte[] b = objects.get(i);
      buf.putShort((short) (i + 1)); // heap object index (0 is free space)
      buf.putShort((short) 1); // reference count
      buf.putInt(0);
      buf.putLong(b.length);
      buf.put(b);
      buf.position(buf.position() + (int) (align8(b.length) - b.length));
      refs.put(keys.get(i), new HeapRef(address, i + 1, b.length));
    }
    // free space object: index 0, its size includes its own 16-byte header
    long free = size - buf.position();
    buf.putShort((short) 0);
    buf.putShort((short) 0);
    buf.putInt(0);
    buf.putLong(free);
    out.write(buf.array());
  }

  private long writeGroup(Out out, Group g, Map<String, HeapRef> heap,
      Map<Object, Long> addresses) throws IOException {
    Map<String, Long> links = new LinkedHashMap<>();
    for (Map.Entry<String, Object> c : g.children.entrySet()) {
      long a = c.getValue() instanceof Group sub ? writeGroup(out, sub, heap, addresses)
          : writeDataset(out, (Dataset) c.getValue(), heap);
      links.put(c.getKey(), a);
    }
    List<byte[]> messages = new ArrayList<>();
    ByteBuffer linfo = le(18);
    linfo.put((byte) 0).put((byte) 0).putLong(UNDEFINED).putLong(UNDEFINED);
    messages.add(message(0x02, 0, linfo.array()));
    messages.add(message(0x0A, 0, new byte[] {0, 0}));
    for (Map.Entry<String, Long> l : links.entrySet()) {
      messages.add(message(0x06, 0, linkMessage(l.getKey(), l.getValue())));
    }
    addAttributes(messages, g.attributes, heap);
    long address = out.position();
    out.write(objectHeader(messages));
    addresses.put(g, address);
    return address;
  }

  private long writeDataset(Out out, Dataset d, Map<String, HeapRef> heap) throws IOException {
    NpyArray a = d.array;
    long dataAddress = UNDEFINED;
    ByteBuffer data = a.data();
    long nbytes = data.remaining();
    if (nbytes > 0) {
      dataAddress = out.position();
      out.write(data);
    }
    List<byte[]> messages = new ArrayList<>();
    messages.add(message(0x01, 0, dataspace(a.shape())));
    messages.add(message(0x03, 1, datatype(a.dtype())));
    messages.add(message(0x05, 1, new byte[] {3, 0x0A})); // fill value v3: late alloc, if set
    ByteBuffer layout = le(18);
    layout.put((byte) 3).put((byte) 1).putLong(dataAddress).putLong(nbytes);
    messages.add(message(0x08, 0, layout.array()));
    addAttributes(messages, d.attributes, heap);
    long address = out.position();
    out.write(objectHeader(messages));
    return address;
  }

  private static void addAttributes(List<byte[]> messages, Map<String, Attr> attrs,
      Map<String, HeapRef> heap) {
    for (Map.Entry<String, Attr> e : attrs.entrySet()) {
      messages.add(message(0x0C, 0, attributeMessage(e.getKey(), e.getValue(), heap)));
    }
  }

  private static byte[] attributeMessage(String name, Attr a, Map<String, HeapRef> heap) {
    byte[] type;
    byte[] space;
    byte[] data;
    switch (a.kind()) {
      case EMPTY_FLOAT64 -> {
        type = datatype(DType.FLOAT64);
        space = dataspace(new long[] {0});
        data = new byte[0];
      }
      case STRING, STRING_LIST -> {
        type = VLEN_UTF8;
        space = dataspace(a.kind() == AttrKind.STRING ? new long[0]
            : new long[] {a.values().size()});
        ByteBuffer b = le(16 * a.values().size());
        for (String s : a.values()) {
          HeapRef r = heap.get(s);
          b.putInt(r.length()).putLong(r.collection()).putInt(r.index());
        }
        data = b.array();
      }
      default -> throw new IllegalStateException();
    }
    byte[] n = (name + "\0").getBytes(StandardCharsets.UTF_8);
    ByteBuffer m = le(1 + 1 + 2 + 2 + 2 + 1 + n.length + type.length + space.length
        + data.length);
    m.put((byte) 3).put((byte) 0);
    m.putShort((short) n.length).putShort((short) type.length).putShort((short) space.length);
    m.put((byte) 1); // name is UTF-8
    m.put(n).put(type).put(space).put(data);
    if (m.capacity() > MAX_MESSAGE - 4) {
      throw new InvalidInputException("HDF5 attribute '" + name + "' needs " + m.capacity()
          + " bytes, more than the 64 KB an attribute message can hold; split it into chunks");
    }
    return m.array();
  }

  private static byte[] linkMessage(String name, long address) {
    byte[] n = name.getBytes(StandardCharsets.UTF_8);
    boolean ascii = n.length == name.length();
    int lenSize = n.length < 256 ? 1 : 2;
    ByteBuffer b = le(2 + (ascii ? 0 : 1) + lenSize + n.length + 8);
    b.put((byte) 1); // version
    b.put((byte) ((lenSize == 1 ? 0 : 1) | (ascii ? 0 : 0x10)));
    if (!ascii) {
      b.put((byte) 1); // UTF-8 link name
    }
    if (lenSize == 1) {
      b.put((byte) n.length);
    } else {
      b.putShort((short) n.length);
    }
    b.put(n).putLong(address);
    return b.array();
  }

  private static byte[] dataspace(long[] shape) {
    ByteBuffer b = le(4 + 8 * shape.length);
    b.put((byte) 2).put((byte) shape.length).put((byte) 0);
    b.put((byte) (shape.length == 0 ? 0 : 1)); // scalar or simple
    for (long d : shape) {
      b.putLong(d);
    }
    return b.array();
  }

  /** Variable-length UTF-8 string, base type an unsigned byte, as HDF5 defines it. */
  private static final byte[] VLEN_UTF8 = vlenUtf8();

  private static byte[] vlenUtf8() {
    ByteBuffer b = le(20);
    b.put((byte) 0x19).put((byte) 0x01).put((byte) 0x01).put((byte) 0); // class 9 v1, string, UTF-8
    b.putInt(16);
    b.put((byte) 0x10).put((byte) 0).put((byte) 0).put((byte) 0); // fixed-point v1, unsigned LE
    b.putInt(1);
    b.putShort((short) 0).putShort((short) 8);
    return b.array();
  }

  private static byte[] datatype(DType t) {
    return switch (t) {
      case FLOAT32 -> floatType(4, 31, 23, 8, 23, 127);
      case FLOAT16 -> floatType(2, 15, 10, 5, 10, 15);
      case FLOAT64 -> floatType(8, 63, 52, 11, 52, 1023);
      case INT32 -> intType(4, true);
      case INT64 -> intType(8, true);
      case UINT8 -> intType(1, false);
    };
  }

  private static byte[] floatType(int size, int signBit, int expLoc, int expSize, int mantSize,
      int bias) {
    ByteBuffer b = le(20);
    b.put((byte) 0x11).put((byte) 0x20).put((byte) signBit).put((byte) 0);
    b.putInt(size);
    b.putShort((short) 0).putShort((short) (size * 8));
    b.put((byte) expLoc).put((byte) expSize).put((byte) 0).put((byte) mantSize);
    b.putInt(bias);
    return b.array();
  }

  private static byte[] intType(int size, boolean signed) {
    ByteBuffer b = le(12);
    b.put((byte) 0x10).put((byte) (signed ? 0x08 : 0)).put((byte) 0).put((byte) 0);
    b.putInt(size);
    b.putShort((short) 0).putShort((short) (size * 8));
    return b.array();
  }

  private static byte[] message(int type, int flags, byte[] body) {
    if (body.length > MAX_MESSAGE) {
      throw new InvalidInputException("HDF5 header message of " + body.length
          + " bytes exceeds 64 KB");
    }
    ByteBuffer b = le(4 + body.length);
    b.put((byte) type).putShort((short) body.length).put((byte) flags).put(body);
    return b.array();
  }

  /** A version 2 object header with one chunk holding {@code messages}. */
  private static byte[] objectHeader(List<byte[]> messages) {
    long size = 0;
    for (byte[] m : messages) {
      size += m.length;
    }
    if (size > Integer.MAX_VALUE - 64) {
      throw new InvalidInputException("HDF5 object header too large: " + size + " bytes");
    }
    ByteBuffer b = le(4 + 1 + 1 + 4 + (int) size + 4);
    b.put(new byte[] {'O', 'H', 'D', 'R'}).put((byte) 2).put((byte) 0x02); // chunk size: 4 bytes
    b.putInt((int) size);
    for (byte[] m : messages) {
      b.put(m);
    }
    b.putInt(Lookup3.hash(b.array(), 0, b.capacity() - 4));
    return b.array();
  }

  private static long align8(long n) {
    return (n + 7) & ~7L;
  }

  private static ByteBuffer le(int n) {
    return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
  }

  /** A positioned writer on a file channel. */
  private static final class Out {
    private final FileChannel ch;
    private long pos;

    Out(FileChannel ch) {
      this.ch = ch;
    }

    long position() {
      return pos;
    }

    void skipTo(long p) {
      pos = p;
    }

    void write(byte[] b) throws IOException {
      write(ByteBuffer.wrap(b));
    }

    void write(ByteBuffer b) throws IOException {
      ByteBuffer d = b.duplicate();
      while (d.hasRemaining()) {
        pos += ch.write(d, pos);
      }
    }

    void writeAt(long at, byte[] b) throws IOException {
      ByteBuffer d = ByteBuffer.wrap(b);
      long p = at;
      while (d.hasRemaining()) {
        p += ch.write(d, p);
      }
    }
  }

  /** Bob Jenkins' lookup3 {@code hashlittle}, the checksum HDF5 uses (initial value 0). */
  static final class Lookup3 {
    private Lookup3() {}

    static int hash(byte[] k, int offset, int length) {
      int a = 0xdeadbeef + length;
      int b = a;
      int c = a;
      int i = offset;
      int len = length;
      while (len > 12) {
        a += word(k, i);
        b += word(k, i + 4);
        c += word(k, i + 8);
        // mix(a, b, c)
        a -= c; a ^= Integer.rotateLeft(c, 4); c += b;
        b -= a; b ^= Integer.rotateLeft(a, 6); a += c;
        c -= b; c ^= Integer.rotateLeft(b, 8); b += a;
        a -= c; a ^= Integer.rotateLeft(c, 16); c += b;
        b -= a; b ^= Integer.rotateLeft(a, 19); a += c;
        c -= b; c ^= Integer.rotateLeft(b, 4); b += a;
        i += 12;
        len -= 12;
      }
      if (len == 0) {
        return c;
      }
      // the last 1..12 bytes, zero-padded
      int[] tail = new int[3];
      for (int j = 0; j < len; j++) {
        tail[j / 4] |= (k[i + j] & 0xff) << (8 * (j % 4));
      }
      a += tail[0];
      b += tail[1];
      c += tail[2];
      // final(a, b, c)
      c ^= b; c -= Integer.rotateLeft(b, 14);
      a ^= c; a -= Integer.rotateLeft(c, 11);
      b ^= a; b -= Integer.rotateLeft(a, 25);
      c ^= b; c -= Integer.rotateLeft(b, 16);
      a ^= c; a -= Integer.rotateLeft(c, 4);
      b ^= a; b -= Integer.rotateLeft(a, 14);
      c ^= b; c -= Integer.rotateLeft(b, 24);
      return c;
    }

    private static int word(byte[] k, int i) {
      return (k[i] & 0xff) | (k[i + 1] & 0xff) << 8 | (k[i + 2] & 0xff) << 16
          | (k[i + 3] & 0xff) << 24;
    }
  }
}
