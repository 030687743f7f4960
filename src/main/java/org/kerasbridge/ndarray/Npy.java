package org.kerasbridge.ndarray;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.kerasbridge.InvalidInputException;
import org.kerasbridge.io.AtomicFiles;

/**
 * Reads and writes numpy's {@code .npy} format (versions 1.0 to 3.0) for the types in {@link
 * DType}, C order only. The writer produces the same bytes as {@code numpy.save} (numpy 2.x),
 * including its header padding, so files round-trip byte for byte.
 */
public final class Npy {
  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  private static final int ALIGN = 64;
  /** numpy leaves room after the header dict for axis 0 to grow to this many digits. */
  private static final int GROWTH_AXIS_MAX_DIGITS = 21;
  private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
  private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
  private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

  private Npy() {}

  public static NpyArray read(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return read(in, file.toString());
    } catch (NoSuchFileException e) {
      throw new InvalidInputException(file + ": no such file");
    } catch (IOException e) {
      throw new InvalidInputException(file + ": cannot read: " + e.getMessage(), e);
    }
  }

  /** Reads each file, in order. */
  public static List<NpyArray> readAll(List<Path> files) {
    List<NpyArray> out = new ArrayList<>();
    for (Path p : files) {
      out.add(read(p));
    }
    return out;
  }

  /** Reads one array from a stream; {@code source} names it in error messages. */
  public static NpyArray read(InputStream in, String source) throws IOException {
    byte[] magic = in.readNBytes(8);
    if (magic.length < 8) {
      throw bad(source, "file is " + magic.length + " bytes, shorter than the .npy preamble");
    }
    for (int i = 0; i < MAGIC.length; i++) {
      if (magic[i] != MAGIC[i]) {
        throw bad(source, "not a .npy file (the magic string \\x93NUMPY is missing)");
      }
    }
    int major = magic[6];
    int headerLen;
    if (major == 1) {
      byte[] l = in.readNBytes(2);
      if (l.length < 2) {
        throw bad(source, "truncated header length");
      }
      headerLen = ByteBuffer.wrap(l).order(ByteOrder.LITTLE_ENDIAN).getShort() & 0xffff;
    } else if (major == 2 || major == 3) {
      byte[] l = in.readNBytes(4);
      if (l.length < 4) {
        throw bad(source, "truncated header length");
      }
      headerLen = ByteBuffer.wrap(l).order(ByteOrder.LITTLE_ENDIAN).getInt();
      if (headerLen < 0 || headerLen > (1 << 24)) {
        throw bad(source, "header length " + headerLen + " is not plausible");
      }
    } else {
      throw bad(source, "unsupported .npy format version " + major + "." + magic[7]
          + " (expected 1.0, 2.0 or 3.0)");
    }
    byte[] headerBytes = in.readNBytes(headerLen);
    if (headerBytes.length < headerLen) {
      throw bad(source, "truncated header: expected " + headerLen + " bytes, got "
          + headerBytes.length);
    }
    String header = new String(headerBytes,
        major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1).trim();
    if (!header.startsWith("{") || !header.endsWith("}")) {
      throw bad(source, "malformed header: " + abbreviate(header));
    }
    String descr = find(DESCR, header, "descr", source);
    String fortran = find(FORTRAN, header, "fortran_order", source);
    String shapeText = find(SHAPE, header, "shape", source);
    if (descr.replaceAll("[<>|=]", "").equals("O")) {
      // numpy stores an object array as a pickle; np.load needs allow_pickle=True for it
      throw bad(source, "dtype 'object' (" + descr + "): the array holds pickled Python objects,"
          + " which KerasBridge never unpickles (numpy's allow_pickle is not emulated under any"
          + " option); save a numeric array instead");
    }
    DType dtype = DType.fromDescr(descr).orElseThrow(() -> bad(source, "dtype '" + descr
        + "' is not supported (expected one of <f4, <f2, <f8, <i4, <i8, |u1: little-endian"
        + " float32, float16, float64, int32, int64 or uint8)"));
    if (fortran.equals("True")) {
      throw bad(source, "Fortran-ordered arrays are not supported; save with"
          + " numpy.ascontiguousarray(x) first");
    }
    long[] shape = parseShape(shapeText, source);
    long bytes;
    try {
      bytes = Math.multiplyExact(NpyArray.elementCount(shape), (long) dtype.itemSize());
    } catch (ArithmeticException | InvalidInputException e) {
      throw bad(source, "shape (" + shapeText + ") is not valid (negative, or more elements than"
          + " 2^63 bytes hold)");
    }
    if (bytes > Integer.MAX_VALUE - 8) {
      throw bad(source, "payload of " + bytes + " bytes is larger than 2 GiB");
    }
    byte[] payload = in.readNBytes((int) bytes);
    if (payload.length < bytes) {
      throw bad(source, "truncated data: shape (" + shapeText + ") of " + dtype.kerasName()
          + " needs " + bytes + " bytes, the file holds " + payload.length);
    }
    if (in.read() != -1) {
      throw bad(source, "trailing bytes after the " + bytes + "-byte payload of shape ("
          + shapeText + ")");
    }
    return NpyArray.of(dtype, shape, ByteBuffer.wrap(payload));
  }

  /** Writes atomically; an existing file is replaced only once the new one is complete. */
  public static void write(Path file, NpyArray array) {
    AtomicFiles.writeFile(file, true, tmp -> {
      try (OutputStream out = Files.newOutputStream(tmp)) {
        write(out, array);
      }
    });
  }

  public static void write(OutputStream out, NpyArray array) throws IOException {
    out.write(header(array));
    ByteBuffer data = array.data();
    byte[] chunk = new byte[1 << 16];
    while (data.hasRemaining()) {
      int n = Math.min(chunk.length, data.remaining());
      data.get(chunk, 0, n);
      out.write(chunk, 0, n);
    }
  }

  public static byte[] toBytes(NpyArray array) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      write(out, array);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    return out.toByteArray();
  }

  static byte[] header(NpyArray array) {
    long[] shape = array.shape();
    StringBuilder s = new StringBuilder("(");
    for (int i = 0; i < shape.length; i++) {
      s.append(i > 0 ? ", " : "").append(shape[i]);
    }
    s.append(shape.length == 1 ? ",)" : ")");
    StringBuilder dict = new StringBuilder("{'descr': '").append(array.dtype().descr())
        .append("', 'fortran_order': False, 'shape': ").append(s).append(", }");
    if (shape.length > 0) {
      dict.append(" ".repeat(Math.max(0,
          GROWTH_AXIS_MAX_DIGITS - Long.toString(shape[0]).length())));
    }
    int version = 1;
    int prefix = MAGIC.length + 2 + 2;
    int total = prefix + dict.length() + 1;
    if (total + ALIGN > 0xffff) {
      version = 2;
      prefix = MAGIC.length + 2 + 4;
      total = prefix + dict.length() + 1;
    }
    int pad = (ALIGN - total % ALIGN) % ALIGN;
    dict.append(" ".repeat(pad)).append('\n');
    byte[] h = dict.toString().getBytes(StandardCharsets.ISO_8859_1);
    ByteBuffer b = ByteBuffer.allocate(prefix + h.length).order(ByteOrder.LITTLE_ENDIAN);
    b.put(MAGIC).put((byte) version).put((byte) 0);
    if (version == 1) {
      b.putShort((short) h.length);
    } else {
      b.putInt(h.length);
    }
    b.put(h);
    return b.array();
  }

  private static long[] parseShape(String text, String source) {
    List<Long> dims = new ArrayList<>();
    for (String part : text.split(",")) {
      String p = part.trim();
      if (p.isEmpty()) {
        continue;
      }
      if (p.endsWith("L")) {
        p = p.substring(0, p.length() - 1);
      }
      try {
        long d = Long.parseLong(p);
        if (d < 0) {
          throw bad(source, "negative dimension in shape (" + text + ")");
        }
        dims.add(d);
      } catch (NumberFormatException e) {
        throw bad(source, "shape (" + text + ") is not a tuple of whole numbers");
      }
    }
    return dims.stream().mapToLong(Long::longValue).toArray();
  }

  private static String find(Pattern p, String header, String key, String source) {
    Matcher m = p.matcher(header);
    if (!m.find()) {
      throw bad(source, "header has no valid '" + key + "' entry: " + abbreviate(header));
    }
    return m.group(1);
  }

  private static String abbreviate(String s) {
    return s.length() > 120 ? s.substring(0, 120) + "..." : s;
  }

  private static InvalidInputException bad(String source, String what) {
    return new InvalidInputException(source + ": malformed .npy: " + what);
  }
}
