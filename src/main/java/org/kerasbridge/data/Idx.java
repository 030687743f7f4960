package org.kerasbridge.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.kerasbridge.InvalidInputException;
import org.kerasbridge.ndarray.DType;
import org.kerasbridge.ndarray.NpyArray;

/**
 * Reads LeCun's IDX files of unsigned bytes, gzip-compressed or not (detected from the content,
 * not the name): a big-endian header of magic {@code 0x00000803} (images) or {@code 0x00000801}
 * (labels), then one 32-bit size per dimension, then the bytes in C order.
 *
 * <p>The payload must be exactly as long as the header says: a truncated file and trailing bytes
 * are both errors, and every error names the file.
 */
public final class Idx {
  /** Magic of an idx3-ubyte file: uint8 data, 3 dimensions (count, rows, columns). */
  public static final int IMAGES_MAGIC = 0x00000803;
  /** Magic of an idx1-ubyte file: uint8 data, 1 dimension (count). */
  public static final int LABELS_MAGIC = 0x00000801;

  private Idx() {}

  /** Images as uint8 {@code (count, rows, columns)}. */
  public static NpyArray readImages(Path file) {
    return read(file, IMAGES_MAGIC);
  }

  /** Labels as uint8 {@code (count,)}. */
  public static NpyArray readLabels(Path file) {
    return read(file, LABELS_MAGIC);
  }

  private static NpyArray read(Path file, int expectedMagic) {
    try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      return read(decompressed(raw), file, expectedMagic);
    } catch (NoSuchFileException e) {
      throw new InvalidInputException(file + ": no such file");
    } catch (EOFException | ZipException e) {
      throw bad(file, "corrupt or truncated gzip stream (" + e.getMessage() + ")");
    } catch (IOException e) {
      throw new InvalidInputException(file + ": cannot read: " + e.getMessage(), e);
    }
  }

  private static InputStream decompressed(InputStream in) throws IOException {
    in.mark(2);
    int b0 = in.read();
    int b1 = in.read();
    in.reset();
    boolean gzip = b0 == 0x1f && b1 == 0x8b;
    return gzip ? new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16) : in;
  }

  private static NpyArray read(InputStream in, Path file, int expectedMagic) throws IOException {
    DataInputStream data = new DataInputStream(in);
    byte[] head = in.readNBytes(4);
    if (head.length < 4) {
      throw bad(file, "file holds " + head.length + " bytes, shorter than the 4-byte magic");
    }
    int magic = ByteBuffer.wrap(head).getInt();
    if (magic != expectedMagic) {
      throw bad(file, String.format("magic number 0x%08X, expected 0x%08X (%s)%s", magic,
          expectedMagic, describe(expectedMagic), magic == IMAGES_MAGIC || magic == LABELS_MAGIC
              ? "; this is an IDX " + describe(magic) + " file" : ""));
    }
    int rank = expectedMagic & 0xff;
    long[] shape = new long[rank];
    long bytes = 1;
    for (int i = 0; i < rank; i++) {
      int d;
      try {
        d = data.readInt();
      } catch (EOFException e) {
        throw bad(file, "truncated header: expected " + rank + " dimension sizes after the magic");
      }
      if (d < 0) {
        throw bad(file, "dimension " + i + " has negative size " + d);
      }
      shape[i] = d;
      bytes *= d;
    }
    if (bytes > Integer.MAX_VALUE - 8) {
      throw bad(file, "payload of " + bytes + " bytes is larger than 2 GiB");
    }
    byte[] payload = in.readNBytes((int) bytes);
    if (payload.length < bytes) {
      throw bad(file, "truncated: the header promises " + shapeText(shape) + " = " + bytes
          + " bytes of data, the file holds " + payload.length);
    }
    if (in.read() != -1) {
      throw bad(file, "trailing bytes after the " + bytes + "-byte payload of "
          + shapeText(shape));
    }
    return NpyArray.of(DType.UINT8, shape, ByteBuffer.wrap(payload));
  }

  private static String describe(int magic) {
    return magic == IMAGES_MAGIC ? "idx3-ubyte images" : "idx1-ubyte labels";
  }

  private static String shapeText(long[] shape) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < shape.length; i++) {
      s.append(i > 0 ? "x" : "").append(shape[i]);
    }
    return s.toString();
  }

  private static InvalidInputException bad(Path file, String what) {
    return new InvalidInputException(file + ": not a valid IDX file: " + what);
  }
}
