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

/**
 * numpy's {@code .npz}: a zip of {@code .npy} members, as {@code numpy.savez} writes it. Keys are
 * member names without the {@code .npy} suffix, in file order.
 */
public final class Npz {
  private Npz() {}

  public static Map<String, NpyArray> read(Path file) {
    Map<String, NpyArray> out = new LinkedHashMap<>();
    try (InputStream raw = Files.newInputStream(file);
        ZipInputStream zip = new ZipInputStream(raw)) {
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
        out.put(key, Npy.read(zip, file + "[" + name + "]"));
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
