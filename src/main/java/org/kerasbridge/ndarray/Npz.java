package org.kerasbridge.ndarray;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.kerasbridge.InvalidInputException;
import org.kerasbridge.io.AtomicFiles;
import org.kerasbridge.io.ByteCounter;

/**
 * numpy's {@code .npz}: a zip of {@code .npy} members, as {@code numpy.savez} writes it. Keys are
 * member names without the {@code .npy} suffix, in file order.
 *
 * <p>Reading counts the compressed bytes consumed and the bytes inflated: a member that inflates
 * more than {@value #MAX_RATIO} times (after the first 4 MiB) is refused as a zip bomb, whatever
 * its headers say ({@code numpy.savez} stores members uncompressed; {@code savez_compressed}
 * deflates numbers far less than that).
 */
public final class Npz {
  private Npz() {}

  static final long MAX_RATIO = 100;
  private static final long RATIO_GRACE = 4L << 20;

  public static Map<String, NpyArray> read(Path file) {
    Map<String, NpyArray> out = new LinkedHashMap<>();
    try (ByteCounter raw = new ByteCounter(Files.newInputStream(file), count -> { });
        ZipInputStream zip = new ZipInputStream(raw)) {
      ByteCounter inflated = new ByteCounter(zip, count -> {
        if (count > RATIO_GRACE && count > MAX_RATIO * Math.max(1, raw.count())) {
          throw new InvalidInputException(file + ": inflates more than " + MAX_RATIO
              + " times its compressed size (a zip bomb?)");
        }
      });
      ZipEntry e;
      while ((e = zip.getNextEntry()) != null) {
        String name = e.getName();
        if (e.isDirectory()) {
          continue;
        }
        if (!name.endsWith(".npy")) {
          throw new InvalidInputException(file + ": member '" + name + "' is not a .npy array");
        }
        String key = name.substring(0, name.length() - 4);
        out.put(key, Npy.read(inflated, file + "[" + name + "]"));
      }
    } catch (NoSuchFileException e) {
      throw new InvalidInputException(file + ": no such file");
    } catch (ZipException e) {
      throw new InvalidInputException(file + ": not a valid .npz (zip) file: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new InvalidInputException(file + ": cannot read: " + e.getMessage(), e);
    }
    if (out.isEmpty()) {
      throw new InvalidInputException(file + ": not a .npz file, or an empty one (no arrays)");
    }
    return out;
  }

  /** Writes atomically, uncompressed like {@code numpy.savez}. */
  public static void write(Path file, Map<String, NpyArray> arrays) {
    AtomicFiles.writeFile(file, true, tmp -> {
      try (OutputStream raw = Files.newOutputStream(tmp);
          ZipOutputStream zip = new ZipOutputStream(raw)) {
        for (Map.Entry<String, NpyArray> e : arrays.entrySet()) {
          zip.putNextEntry(new ZipEntry(e.getKey() + ".npy"));
          Npy.write(zip, e.getValue());
          zip.closeEntry();
        }
      }
    });
  }
}
