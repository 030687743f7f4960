package org.kerasbridge.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;
import org.kerasbridge.InvalidInputException;

/**
 * Writes a file or directory so that readers see either the old content or the complete new
 * content, never a partial one: the content goes to a temporary sibling in the target's
 * directory, which is renamed over the target only when the writer returned normally.
 */
public final class AtomicFiles {
  private AtomicFiles() {}

  /** Writes content to a path. */
  @FunctionalInterface
  public interface Writer {
    void writeTo(Path temporary) throws IOException;
  }

  /**
   * Runs {@code writer} on a temporary file beside {@code target}, then renames it over the
   * target. With {@code overwrite} false an existing target is refused before anything is
   * written. On any failure the temporary file is removed and the target is left as it was.
   */
  public static void writeFile(Path target, boolean overwrite, Writer writer) {
    Path abs = target.toAbsolutePath();
    refuseExisting(abs, overwrite);
    Path dir = abs.getParent();
    Path tmp = null;
    try {
      Files.createDirectories(dir);
      tmp = Files.createTempFile(dir, "." + abs.getFileName() + ".", ".tmp");
      writer.writeTo(tmp);
      keepPermissions(tmp, abs, "rw-r--r--");
      move(tmp, abs, overwrite);
      tmp = null;
    } catch (IOException e) {
      throw new UncheckedIOException("could not write " + target + ": " + e.getMessage(), e);
    } finally {
      deleteQuietly(tmp);
    }
  }

  /**
   * As {@link #writeFile} for a directory (a SavedModel). An existing directory is replaced by
   * renaming it aside, renaming the new one in, and only then deleting the old one.
   */
  public static void writeDirectory(Path target, boolean overwrite, Writer writer) {
    Path abs = target.toAbsolutePath();
    refuseExisting(abs, overwrite);
    Path dir = abs.getParent();
    Path tmp = null;
    Path old = null;
    try {
      Files.createDirectories(dir);
      tmp = Files.createTempDirectory(dir, "." + abs.getFileName() + ".");
      Path content = tmp.resolve("content");
      writer.writeTo(content);
      keepPermissions(content, abs, "rwxr-xr-x");
      if (Files.exists(abs)) {
        old = dir.resolve("." + abs.getFileName() + ".old." + System.nanoTime());
        Files.move(abs, old, StandardCopyOption.ATOMIC_MOVE);
      }
      Files.move(content, abs, StandardCopyOption.ATOMIC_MOVE);
      deleteQuietly(old);
      old = null;
    } catch (IOException e) {
      if (old != null && !Files.exists(abs)) {
        try {
          Files.move(old, abs, StandardCopyOption.ATOMIC_MOVE);
          old = null;
        } catch (IOException restore) {
          e.addSuppressed(restore);
        }
      }
      throw new UncheckedIOException("could not write " + target + ": " + e.getMessage(), e);
    } finally {
      deleteQuietly(tmp);
    }
  }

  /**
   * Temporary files are created private (0600); the result gets the target's permissions when it
   * exists, else ordinary ones ({@code dflt}), as a plain write would.
   */
  private static void keepPermissions(Path tmp, Path target, String dflt) throws IOException {
    if (!Files.getFileStore(tmp).supportsFileAttributeView("posix") || !Files.exists(tmp)) {
      return;
    }
    java.util.Set<java.nio.file.attribute.PosixFilePermission> perms = Files.exists(target)
        ? Files.getPosixFilePermissions(target)
        : java.nio.file.attribute.PosixFilePermissions.fromString(dflt);
    Files.setPosixFilePermissions(tmp, perms);
  }

  private static void refuseExisting(Path target, boolean overwrite) {
    if (!overwrite && Files.exists(target)) {
      throw new InvalidInputException(target + " exists; refusing to overwrite it"
          + " (ask for overwrite explicitly, e.g. --overwrite)");
    }
  }

  private static void move(Path from, Path to, boolean overwrite) throws IOException {
    try {
      if (overwrite) {
        Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } else {
        Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
      }
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("the file system of " + to + " cannot rename atomically", e);
    } catch (FileAlreadyExistsException e) {
      throw new InvalidInputException(to + " appeared while it was being written; not replaced");
    }
  }

  /** Deletes a file or a directory tree, ignoring what is already gone. */
  public static void deleteQuietly(Path p) {
    if (p == null || !Files.exists(p)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(p)) {
      walk.sorted(Comparator.reverseOrder()).forEach(q -> {
        try {
          Files.deleteIfExists(q);
        } catch (IOException ignored) {
          // best effort: a leftover temporary file never replaces the target
        }
      });
    } catch (IOException ignored) {
      // best effort, as above
    }
  }
}
