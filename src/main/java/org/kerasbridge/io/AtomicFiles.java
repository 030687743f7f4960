package org.kerasbridge.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.LinkOption;
import java.util.ArrayList;
import java.util.List;
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
 *
 * <p><b>Killed writers.</b> A process killed mid-write (SIGKILL, power loss) cannot remove its
 * temporary file. Temporaries are therefore named so they are recognized:
 * {@code .NAME.kbtmp-PID-RANDOM...} (and {@code .NAME.kbold-PID-N} for a directory being
 * replaced), with the writing process's id. Every write to {@code NAME} first removes the
 * temporaries of processes that are no longer alive ({@link #cleanStale}); those of live processes
 * (a concurrent writer) are left alone. If a process died between moving an old directory aside
 * and moving the new one in, the old one is moved back. A file target is replaced by one atomic
 * rename, so it is never missing; a directory target is missing only in that window, and is
 * restored by the next write. Process ids are of this machine: do not share a target directory
 * between machines. {@code AtomicWritesSurviveSigkillTest} kills real writer processes.
 */
public final class AtomicFiles {
  private AtomicFiles() {}

  static final String TMP_TAG = ".kbtmp-";
  static final String OLD_TAG = ".kbold-";

  /** The start of the names of this process's temporaries for {@code target}. */
  private static String prefix(Path target, String tag) {
    return "." + target.getFileName() + tag + ProcessHandle.current().pid() + "-";
  }

  /**
   * Removes the temporaries a dead process left beside {@code target} (see the class comment),
   * restoring a directory target that was moved aside and never replaced. Returns how many it
   * removed or restored. Never fails: what cannot be removed stays for the next write.
   */
  public static int cleanStale(Path target) {
    Path abs = target.toAbsolutePath();
    Path dir = abs.getParent();
    if (dir == null || !Files.isDirectory(dir)) {
      return 0;
    }
    String name = "." + abs.getFileName();
    long me = ProcessHandle.current().pid();
    int n = 0;
    List<Path> candidates = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir,
        p -> p.getFileName().toString().startsWith(name + ".kb"))) {
      ds.forEach(candidates::add);
    } catch (IOException e) {
      return 0;
    }
    for (Path p : candidates) {
      String rest = p.getFileName().toString().substring(name.length());
      boolean old = rest.startsWith(OLD_TAG);
      if (!old && !rest.startsWith(TMP_TAG)) {
        continue;
      }
      long pid = pidOf(rest.substring(TMP_TAG.length()));
      if (pid < 0 || pid == me || ProcessHandle.of(pid).map(ProcessHandle::isAlive)
          .orElse(false)) {
        continue;
      }
      if (old && !Files.exists(abs, LinkOption.NOFOLLOW_LINKS)) {
        try {
          Files.move(p, abs, StandardCopyOption.ATOMIC_MOVE);
          n++;
          continue;
        } catch (IOException e) {
          continue; // keep it: it is the only copy of the old content
        }
      }
      deleteQuietly(p);
      n++;
    }
    return n;
  }

  private static long pidOf(String s) {
    int dash = s.indexOf('-');
    try {
      return dash <= 0 ? -1 : Long.parseLong(s.substring(0, dash));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

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
      cleanStale(abs);
      tmp = Files.createTempFile(dir, prefix(abs, TMP_TAG), ".tmp");
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
      cleanStale(abs);
      tmp = Files.createTempDirectory(dir, prefix(abs, TMP_TAG));
      Path content = tmp.resolve("content");
      writer.writeTo(content);
      keepPermissions(content, abs, "rwxr-xr-x");
      if (Files.exists(abs)) {
        old = dir.resolve(prefix(abs, OLD_TAG) + System.nanoTime());
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
