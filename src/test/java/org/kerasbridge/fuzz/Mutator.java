package org.kerasbridge.fuzz;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jhdf.HdfFile;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.kerasbridge.fuzz.FuzzCorpus.Kind;
import org.kerasbridge.fuzz.FuzzCorpus.Seed;

/**
 * Makes fuzz case {@code i} of a run from its seed: the same (seed, index) always gives the same
 * bytes, so any failing case can be regenerated and minimized. Mutations: bit flips, truncation,
 * random/zeroed/0xFF blocks, HDF5 object-header edits (bytes at the addresses jHDF reports for
 * groups and datasets: dataspace dimensions, datatypes, attributes, links), and JSON edits of a
 * model config ({@code config.json} in a {@code .keras}, {@code model_config} in an {@code .h5}):
 * numbers replaced by 0, -1, 1e9, null or strings, layers renamed or retyped, units changed so the
 * weights no longer fit, keys dropped, deep nesting. {@code saved_model.pb} and {@code .npy}
 * inputs get byte mutations, and {@code .npy} headers get shape and dtype edits.
 */
final class Mutator {
  /** A generated case: the bytes of the file to load and how they were made. */
  record Case(long index, Seed seed, String mutation, byte[] bytes) {
    String describe() {
      return "case " + index + " [" + seed.name() + "] " + mutation;
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(Integer.MAX_VALUE)
          .build()).build());
  private static final String[] CLASS_NAMES = {"Dense", "Conv2D", "Conv1D", "LSTM", "GRU",
      "Lambda", "Flatten", "Reshape", "InputLayer", "MaxPooling2D", "Embedding", "Functional",
      "Sequential", "BatchNormalization", "NoSuchLayer", "Add", "Concatenate", "TimeDistributed"};
  private static final String[] STRINGS = {"", "x", "relu", "same", "valid", "channels_first",
      "float16", "string", "int8", "float64", "bool", "../../etc/passwd", "None", "lambda",
      "glorot_uniform", "\u0000", "\uffff\ud800"};

  private final List<Seed> keras;
  private final List<Seed> h5;
  private final List<Seed> saved;
  private final List<Seed> npy;
  private final Map<Seed, Map<String, byte[]>> zipEntries = new HashMap<>();
  private final Map<Object, long[]> h5Addresses = new HashMap<>();

  Mutator(FuzzCorpus corpus) {
    this.keras = corpus.ofKind(Kind.KERAS);
    this.h5 = corpus.ofKind(Kind.H5);
    this.saved = corpus.ofKind(Kind.SAVED_MODEL);
    this.npy = corpus.ofKind(Kind.NPY);
  }

  Case make(long runSeed, long index) {
    Random r = new Random(runSeed * 0x9E3779B97F4A7C15L + index);
    int k = r.nextInt(100);
    List<Seed> pool = k < 42 || h5.isEmpty() ? keras : k < 80 ? h5 : k < 88 && !saved.isEmpty()
        ? saved : npy.isEmpty() ? keras : npy;
    Seed s = pool.get(r.nextInt(pool.size()));
    StringBuilder what = new StringBuilder();
    byte[] out = switch (s.kind()) {
      case KERAS -> mutateKeras(s, r, what);
      case H5 -> mutateH5(s.bytes(), s, r, what);
      case SAVED_MODEL -> bytes(s.bytes(), r, what);
      case NPY -> mutateNpy(s.bytes(), r, what);
    };
    return new Case(index, s, what.toString(), out);
  }

  // ------------------------------------------------------------------ .keras

  private byte[] mutateKeras(Seed s, Random r, StringBuilder what) {
    int k = r.nextInt(10);
    if (k == 0) {
      return bytes(s.bytes(), r, what.append("zip: "));
    }
    Map<String, byte[]> entries = new LinkedHashMap<>(entries(s));
    if (k <= 5) {
      byte[] cfg = entries.get("config.json");
      entries.put("config.json", json(cfg, r, what.append("config.json: ")));
    } else if (k <= 8) {
      byte[] w = entries.get("model.weights.h5");
      entries.put("model.weights.h5", mutateH5(w, w, r, what.append("model.weights.h5: ")));
    } else {
      String name = new ArrayList<>(entries.keySet()).get(r.nextInt(entries.size()));
      if (r.nextBoolean()) {
        entries.remove(name);
        what.append("dropped entry ").append(name);
      } else {
        entries.put(name, bytes(entries.get(name), r, what.append(name).append(": ")));
      }
    }
    return zip(entries);
  }

  private Map<String, byte[]> entries(Seed s) {
    return zipEntries.computeIfAbsent(s, x -> {
      Map<String, byte[]> m = new LinkedHashMap<>();
      try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(x.bytes()))) {
        for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
          m.put(e.getName(), in.readAllBytes());
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return m;
    });
  }

  static byte[] zip(Map<String, byte[]> entries) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(b)) {
      z.setLevel(1);
      for (Map.Entry<String, byte[]> e : entries.entrySet()) {
        z.putNextEntry(new ZipEntry(e.getKey()));
        z.write(e.getValue());
        z.closeEntry();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return b.toByteArray();
  }

  // ------------------------------------------------------------------ HDF5

  /** {@code key} caches the object-header addresses of {@code b}'s groups and datasets. */
  private byte[] mutateH5(byte[] b, Object key, Random r, StringBuilder what) {
    int k = r.nextInt(10);
    if (k < 4) {
      return bytes(b, r, what);
    }
    if (k < 7) {
      byte[] cfg = findConfig(b);
      if (cfg != null) {
        return h5Config(b, r, what);
      }
    }
    long[] addrs = h5Addresses.computeIfAbsent(key, x -> addresses(b));
    if (addrs.length == 0) {
      return bytes(b, r, what);
    }
    byte[] out = b.clone();
    int edits = 1 + r.nextInt(3);
    what.append("h5 header edit");
    for (int e = 0; e < edits; e++) {
      long a = addrs[r.nextInt(addrs.length)] + r.nextInt(400);
      int width = new int[] {1, 2, 4, 8}[r.nextInt(4)];
      long v = switch (r.nextInt(7)) {
        case 0 -> 0;
        case 1 -> -1;
        case 2 -> 1L << 40;
        case 3 -> Integer.MAX_VALUE;
        case 4 -> r.nextInt(256);
        case 5 -> addrs[r.nextInt(addrs.length)];
        default -> r.nextLong();
      };
      what.append(String.format(" @%d/%d=%x", a, width, v));
      for (int i = 0; i < width && a + i < out.length; i++) {
        out[(int) (a + i)] = (byte) (v >>> (8 * i));
      }
    }
    return out;
  }

  private static long[] addresses(byte[] b) {
    List<Long> out = new ArrayList<>();
    try (HdfFile f = HdfFile.fromBytes(b)) {
      walk(f, out, 0);
    } catch (RuntimeException e) {
      // a seed jHDF cannot walk gets byte mutations only
    }
    return out.stream().mapToLong(Long::longValue).toArray();
  }

  private static void walk(Node n, List<Long> out, int depth) {
    out.add(n.getAddress());
    if (n instanceof Group g && depth < 12) {
      for (Node c : g.getChildren().values()) {
        walk(c, out, depth + 1);
      }
    }
  }

  /** The model_config JSON stored in an .h5 (start index, length), found by its bytes. */
  private static byte[] findConfig(byte[] b) {
    int i = indexOf(b, "{\"class_name\"".getBytes(StandardCharsets.US_ASCII), 0);
    return i < 0 ? null : new byte[0];
  }

  /**
   * Edits the model_config attribute in place: the mutated JSON is padded with spaces to the
   * original length (JSON allows that), so the HDF5 structure stays valid; longer results are cut
   * (also a valid test: truncated JSON).
   */
  private byte[] h5Config(byte[] b, Random r, StringBuilder what) {
    int start = indexOf(b, "{\"class_name\"".getBytes(StandardCharsets.US_ASCII), 0);
    int end = start;
    int depth = 0;
    boolean inString = false;
    for (; end < b.length; end++) {
      byte c = b[end];
      if (inString) {
        if (c == '\\') {
          end++;
        } else if (c == '"') {
          inString = false;
        }
      } else if (c == '"') {
        inString = true;
      } else if (c == '{') {
        depth++;
      } else if (c == '}' && --depth == 0) {
        end++;
        break;
      }
    }
    byte[] orig = Arrays.copyOfRange(b, start, end);
    byte[] edited = json(orig, r, what.append("model_config: "));
    byte[] out = b.clone();
    for (int i = 0; i < orig.length; i++) {
      out[start + i] = i < edited.length ? edited[i] : (byte) ' ';
    }
    if (edited.length > orig.length) {
      what.append(" (cut to ").append(orig.length).append(" bytes)");
    }
    return out;
  }

  private static int indexOf(byte[] hay, byte[] needle, int from) {
    outer:
    for (int i = from; i <= hay.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  // ------------------------------------------------------------------ JSON

  private record Slot(JsonNode parent, String key, int index) {
    JsonNode get() {
      return key != null ? parent.get(key) : parent.get(index);
    }

    void set(JsonNode v) {
      if (key != null) {
        ((ObjectNode) parent).set(key, v);
      } else {
        ((ArrayNode) parent).set(index, v);
      }
    }

    String path() {
      return key != null ? key : "[" + index + "]";
    }
  }

  private byte[] json(byte[] text, Random r, StringBuilder what) {
    JsonNode root;
    try {
      root = JSON.readTree(text);
    } catch (IOException e) {
      return bytes(text, r, what);
    }
    int edits = 1 + (r.nextInt(4) == 0 ? r.nextInt(4) : 0);
    for (int e = 0; e < edits; e++) {
      List<Slot> slots = new ArrayList<>();
      collect(root, slots);
      if (slots.isEmpty()) {
        break;
      }
      editJson(slots, r, what);
      what.append("; ");
    }
    String out;
    try {
      out = JSON.writeValueAsString(root);
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
    for (int i; (i = out.indexOf("\"" + DEEP)) >= 0; ) {
      int end = out.indexOf('"', i + 1);
      // the marker's depth digits (a later edit may have renamed the marker: "@@deep@@35_renamed")
      String digits = out.substring(i + 1 + DEEP.length(), end).replaceAll("^(\\d*).*", "$1");
      int depth = digits.isEmpty() ? 1 : Integer.parseInt(digits);
      out = out.substring(0, i) + "[".repeat(depth) + "1" + "]".repeat(depth)
          + out.substring(end + 1);
    }
    return out.getBytes(StandardCharsets.UTF_8);
  }

  private static final String DEEP = "@@deep@@";

  private static void collect(JsonNode n, List<Slot> out) {
    if (n.isObject()) {
      n.fieldNames().forEachRemaining(k -> {
        out.add(new Slot(n, k, -1));
        collect(n.get(k), out);
      });
    } else if (n.isArray()) {
      for (int i = 0; i < n.size(); i++) {
        out.add(new Slot(n, null, i));
        collect(n.get(i), out);
      }
    }
  }

  private void editJson(List<Slot> slots, Random r, StringBuilder what) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    // prefer numbers and layer-level keys: those are where validation matters
    Slot s = slots.get(r.nextInt(slots.size()));
    for (int t = 0; t < 4 && !s.get().isNumber() && r.nextBoolean(); t++) {
      s = slots.get(r.nextInt(slots.size()));
    }
    JsonNode v = s.get();
    what.append(s.path()).append(' ');
    int k = r.nextInt(10);
    if (v.isNumber() && k < 7) {
      JsonNode[] repl = {f.numberNode(0), f.numberNode(-1), f.numberNode(1_000_000_000),
          f.nullNode(), f.textNode("x"), f.numberNode(-1_000_000_000), f.numberNode(2147483648L),
          f.numberNode(1e308), f.numberNode(0.5), f.numberNode(v.asLong() * 2 + 1),
          f.numberNode(v.asLong() + 1), f.numberNode(Long.MAX_VALUE), f.booleanNode(true),
          f.numberNode(-0.0), f.numberNode(65536)};
      JsonNode n = repl[r.nextInt(repl.length)];
      what.append(v).append("->").append(n);
      s.set(n);
      return;
    }
    if (v.isTextual() && k < 7) {
      JsonNode n = "class_name".equals(s.key()) ? f.textNode(CLASS_NAMES[r.nextInt(
          CLASS_NAMES.length)]) : "name".equals(s.key()) && r.nextBoolean()
          ? f.textNode(v.asText() + "_renamed") : r.nextInt(8) == 0
          ? f.textNode("y".repeat(1 + r.nextInt(2_000_000))) : f.textNode(STRINGS[r.nextInt(
          STRINGS.length)]);
      what.append(abbrev(v.toString())).append("->").append(abbrev(n.toString()));
      s.set(n);
      return;
    }
    switch (r.nextInt(6)) {
      case 0 -> {
        // written as text after serialization (Jackson's writer recurses per level)
        int depth = 1 + r.nextInt(r.nextBoolean() ? 50 : 200_000);
        what.append("nested ").append(depth).append(" deep");
        s.set(f.textNode(DEEP + depth));
      }
      case 1 -> {
        if (s.key() != null) {
          ((ObjectNode) s.parent()).remove(s.key());
          what.append("removed");
        } else {
          ((ArrayNode) s.parent()).remove(s.index());
          what.append("removed");
        }
      }
      case 2 -> {
        if (s.parent().isArray()) {
          ((ArrayNode) s.parent()).add(v.deepCopy());
          what.append("duplicated");
        } else {
          ((ObjectNode) s.parent()).set(s.key() + "_x", v.deepCopy());
          what.append("added key ").append(s.key()).append("_x");
        }
      }
      case 3 -> {
        s.set(f.nullNode());
        what.append("->null");
      }
      case 4 -> {
        JsonNode n = r.nextBoolean() ? f.objectNode() : f.arrayNode();
        s.set(n);
        what.append("->").append(n);
      }
      default -> {
        JsonNode n = f.arrayNode().add(r.nextInt(5) - 1).add(1_000_000_000).add(0);
        s.set(n);
        what.append("->").append(n);
      }
    }
  }

  private static String abbrev(String s) {
    return s.length() <= 40 ? s : s.substring(0, 20) + "...(" + s.length() + " chars)";
  }

  // ------------------------------------------------------------------ .npy

  private byte[] mutateNpy(byte[] b, Random r, StringBuilder what) {
    if (r.nextBoolean()) {
      return bytes(b, r, what);
    }
    String text = new String(b, StandardCharsets.ISO_8859_1);
    int hs = text.indexOf('{');
    int he = text.indexOf('}', Math.max(hs, 0));
    if (hs < 0 || he < 0) {
      return bytes(b, r, what);
    }
    String header = text.substring(hs, he + 1);
    String[] shapes = {"()", "(0,)", "(-1, 3)", "(1000000000, 1000000000)",
        "(9223372036854775807,)", "(2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,"
        + " 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,)", "(1,)", "(3, x)", "(" + (1 + r.nextInt(9)) + ", "
        + (1 + r.nextInt(9)) + ")"};
    String[] descrs = {"'<f8'", "'>f4'", "'<i4'", "'|u1'", "'<c8'", "'|O'", "'<U10'", "'|b1'",
        "'<f2'", "'<i8'", "'x'", "'<f4'"};
    String edited;
    switch (r.nextInt(3)) {
      case 0 -> edited = header.replaceFirst("'shape': \\([^)]*\\)", "'shape': "
          + shapes[r.nextInt(shapes.length)]);
      case 1 -> edited = header.replaceFirst("'descr': '[^']*'", "'descr': "
          + descrs[r.nextInt(descrs.length)]);
      default -> edited = header.replace("False", "True");
    }
    what.append("npy header ").append(header).append(" -> ").append(edited);
    String all = text.substring(0, hs) + edited + text.substring(he + 1);
    return all.getBytes(StandardCharsets.ISO_8859_1);
  }

  // ------------------------------------------------------------------ bytes

  static byte[] bytes(byte[] b, Random r, StringBuilder what) {
    if (b.length == 0) {
      what.append("empty");
      return b;
    }
    byte[] out = b.clone();
    // bias offsets towards the start, where headers and metadata live
    int k = r.nextInt(6);
    switch (k) {
      case 0 -> {
        int flips = 1 + r.nextInt(16);
        what.append(flips).append(" bit flips");
        for (int i = 0; i < flips; i++) {
          int at = offset(out.length, r);
          out[at] ^= (byte) (1 << r.nextInt(8));
        }
      }
      case 1 -> {
        int keep = r.nextBoolean() ? offset(out.length, r) : r.nextInt(out.length);
        what.append("truncated to ").append(keep);
        out = Arrays.copyOf(out, keep);
      }
      case 2, 3, 4 -> {
        int at = offset(out.length, r);
        int len = Math.min(out.length - at, 1 + r.nextInt(r.nextBoolean() ? 16 : 512));
        byte fill = k == 2 ? 0 : k == 3 ? (byte) 0xff : 1;
        what.append(k == 2 ? "zeroed" : k == 3 ? "0xff" : "random").append(" block @")
            .append(at).append('+').append(len);
        for (int i = at; i < at + len; i++) {
          out[i] = k == 4 ? (byte) r.nextInt(256) : fill;
        }
      }
      default -> {
        int at = offset(out.length, r);
        int len = Math.min(out.length - at, 1 + r.nextInt(64));
        int to = r.nextInt(out.length);
        what.append("copied block @").append(at).append('+').append(len).append(" to ")
            .append(to);
        System.arraycopy(b, at, out, to, Math.min(len, out.length - to));
      }
    }
    return out;
  }

  private static int offset(int n, Random r) {
    return r.nextInt(3) == 0 ? r.nextInt(Math.min(n, 4096)) : r.nextInt(n);
  }
}
