package org.kerasbridge.io.keras;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.kerasbridge.InvalidInputException;
import org.kerasbridge.io.ByteCounter;

/**
 * A {@code .keras} zip opened for reading untrusted content. Opening checks every entry of the
 * central directory before anything is read:
 *
 * <ul>
 *   <li><b>names</b>: an entry whose name is absolute ({@code /x}, {@code \x}, {@code C:x}),
 *       holds a {@code ..} segment, a backslash or a NUL (zip-slip), or appears twice (two
 *       readers could pick different ones) is refused, as is an archive of more than
 *       {@link Limits#maxEntries} entries. Nothing is ever extracted to disk under an entry's name.
 *   <li><b>sizes</b>: no entry may declare more than {@link Limits#maxEntryBytes} uncompressed
 *       bytes, and all together no more than {@link Limits#maxTotalBytes}.
 * </ul>
 *
 * <p>Declared sizes are only a first filter: every entry is read through a stream that counts the
 * bytes it really inflates and stops with an {@link InvalidInputException} as soon as the entry
 * passes its size limit or inflates more than {@link Limits#maxRatio} times its compressed size
 * (after the first {@link Limits#ratioGraceBytes}, so small, very compressible JSON is fine). The
 * compressed size bounds how much raw data the inflater can consume, so the ratio holds whatever
 * the headers claim about the uncompressed size. Keras itself writes entries stored (ratio 1).
 */
final class KerasArchive implements Closeable {
  /**
   * Limits on a {@code .keras} archive. The defaults can be changed with the system properties
   * {@code kerasbridge.archive.maxEntryBytes}, {@code kerasbridge.archive.maxTotalBytes},
   * {@code kerasbridge.archive.maxRatio} and {@code kerasbridge.archive.maxEntries}.
   */
  record Limits(long maxEntryBytes, long maxTotalBytes, long maxRatio, long ratioGraceBytes,
      int maxEntries, long maxJsonBytes) {
    static Limits defaults() {
      return new Limits(Long.getLong("kerasbridge.archive.maxEntryBytes", 16L << 30),
          Long.getLong("kerasbridge.archive.maxTotalBytes", 32L << 30),
          Long.getLong("kerasbridge.archive.maxRatio", 100),
          4L << 20,
          Integer.getInteger("kerasbridge.archive.maxEntries", 10_000),
          64L << 20);
    }
  }

  private final ZipFile zip;
  private final String where;
  private final Limits limits;

  private KerasArchive(ZipFile zip, String where, Limits limits) {
    this.zip = zip;
    this.where = where;
    this.limits = limits;
  }

  /**
   * Opens {@code path} and checks its entries.
   *
   * @throws InvalidInputException naming the archive and the offending entry
   * @throws IOException when the file is not a readable zip
   */
  static KerasArchive open(Path path, Limits limits) throws IOException {
    ZipFile zip = new ZipFile(path.toFile());
    try {
      KerasArchive a = new KerasArchive(zip, path.toString(), limits);
      a.checkEntries();
      return a;
    } catch (RuntimeException e) {
      zip.close();
      throw e;
    }
  }

  private void checkEntries() {
    Set<String> seen = new HashSet<>();
    long total = 0;
    int count = 0;
    Enumeration<? extends ZipEntry> en = zip.entries();
    while (en.hasMoreElements()) {
      ZipEntry e = en.nextElement();
      if (++count > limits.maxEntries()) {
        throw new InvalidInputException(where + ": the archive has more than "
            + limits.maxEntries() + " entries; a .keras holds config.json, metadata.json,"
            + " model.weights.h5 and a few assets");
      }
      String name = e.getName();
      String why = unsafeNameReason(name);
      if (why != null) {
        throw new InvalidInputException(where + ": refusing archive entry '" + printable(name)
            + "': " + why + " (an entry must be a relative path inside the archive)");
      }
      if (!seen.add(name)) {
        throw new InvalidInputException(where + ": archive entry '" + printable(name)
            + "' appears twice; refusing an archive whose readers could disagree on its"
            + " content");
      }
      long size = e.getSize();
      if (size > limits.maxEntryBytes()) {
        throw new InvalidInputException(where + ": archive entry '" + printable(name)
            + "' declares " + size + " uncompressed bytes, more than the limit of "
            + limits.maxEntryBytes() + " (kerasbridge.archive.maxEntryBytes)");
      }
      total += Math.max(0, size);
      if (total > limits.maxTotalBytes()) {
        throw new InvalidInputException(where + ": the archive's entries declare more than "
            + limits.maxTotalBytes() + " uncompressed bytes in all"
            + " (kerasbridge.archive.maxTotalBytes)");
      }
    }
  }

  /** Why an entry name could escape an extraction directory, or null when it cannot. */
  static String unsafeNameReason(String name) {
    if (name.isEmpty()) {
      return "empty name";
    }
    if (name.indexOf('\0') >= 0) {
      return "the name holds a NUL character";
    }
    if (name.indexOf('\\') >= 0) {
      return "the name holds a backslash";
    }
    if (name.startsWith("/")) {
      return "absolute path";
    }
    if (name.length() >= 2 && name.charAt(1) == ':' && Character.isLetter(name.charAt(0))) {
      return "absolute path with a drive letter";
    }
    for (String seg : name.split("/", -1)) {
      if (seg.equals("..")) {
        return "the path climbs out with '..'";
      }
    }
    return null;
  }

  private static String printable(String s) {
    StringBuilder b = new StringBuilder();
    for (char c : s.toCharArray()) {
      b.append(c < 0x20 || c == 0x7f ? String.format("\\x%02x", (int) c) : String.valueOf(c));
      if (b.length() > 200) {
        return b.append("...").toString();
      }
    }
    return b.toString();
  }

  ZipEntry entry(String name) {
    return zip.getEntry(name);
  }

  List<String> entryNames(int max) {
    List<String> names = new ArrayList<>();
    Enumeration<? extends ZipEntry> en = zip.entries();
    while (en.hasMoreElements() && names.size() < max) {
      names.add(printable(en.nextElement().getName()));
    }
    return names;
  }

  /** The whole entry, read through the bounded stream, at most {@code max} bytes. */
  byte[] read(ZipEntry e, long max) throws IOException {
    if (max > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("in-memory limit too large: " + max);
    }
    try (InputStream in = open(e, max)) {
      return in.readAllBytes();
    }
  }

  /** Copies the entry to {@code target} through the bounded stream. */
  void copy(ZipEntry e, Path target) throws IOException {
    try (InputStream in = open(e, limits.maxEntryBytes());
        OutputStream out = Files.newOutputStream(target)) {
      in.transferTo(out);
    }
  }

  /** The entry's bytes, counted as they are inflated; see the class comment. */
  InputStream open(ZipEntry e, long max) throws IOException {
    long limit = Math.min(max, limits.maxEntryBytes());
    long compressed = e.getMethod() == ZipEntry.STORED ? -1 : e.getCompressedSize();
    String name = e.getName();
    return new ByteCounter(zip.getInputStream(e), count -> {
      if (count > limit) {
        throw new InvalidInputException(where + ": archive entry '" + printable(name)
            + "' inflates to more than " + limit + " bytes (a size limit; zip bomb?)");
      }
      if (compressed >= 0 && count > limits.ratioGraceBytes()
          && count > limits.maxRatio() * Math.max(1, compressed)) {
        throw new InvalidInputException(where + ": archive entry '" + printable(name)
            + "' inflates more than " + limits.maxRatio() + " times its compressed size of "
            + compressed + " bytes (a zip bomb?; kerasbridge.archive.maxRatio)");
      }
    });
  }


  @Override
  public void close() throws IOException {
    zip.close();
  }
}
