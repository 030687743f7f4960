package org.kerasbridge.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kerasbridge.InvalidInputException;

class AtomicFilesTest {
  @TempDir
  Path tmp;

  @Test
  void failedWriteLeavesTheOriginalAndNoLeftovers() throws IOException {
    Path target = tmp.resolve("model.keras");
    Files.writeString(target, "original");
    assertThrows(UncheckedIOException.class, () -> AtomicFiles.writeFile(target, true, t -> {
      Files.writeString(t, "half of a new fi");
      throw new IOException("disk full (simulated)");
    }));
    assertEquals("original", Files.readString(target));
    try (Stream<Path> s = Files.list(tmp)) {
      assertEquals(1, s.count(), "no temporary file left behind");
    }
  }

  @Test
  void refusesToOverwriteUnlessAsked() throws IOException {
    Path target = tmp.resolve("y.npy");
    Files.writeString(target, "keep");
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> AtomicFiles.writeFile(target, false, t -> Files.writeString(t, "new")));
    assertTrue(e.getMessage().contains("refusing to overwrite"));
    assertEquals("keep", Files.readString(target));
    AtomicFiles.writeFile(target, true, t -> Files.writeString(t, "new"));
    assertEquals("new", Files.readString(target));
  }

  @Test
  void directoryReplacementIsAllOrNothing() throws IOException {
    Path target = tmp.resolve("saved_model");
    AtomicFiles.writeDirectory(target, false, d -> {
      Files.createDirectories(d);
      Files.writeString(d.resolve("a"), "v1");
    });
    assertThrows(UncheckedIOException.class, () -> AtomicFiles.writeDirectory(target, true, d -> {
      Files.createDirectories(d);
      throw new IOException("interrupted (simulated)");
    }));
    assertEquals("v1", Files.readString(target.resolve("a")));
    AtomicFiles.writeDirectory(target, true, d -> {
      Files.createDirectories(d);
      Files.writeString(d.resolve("b"), "v2");
    });
    assertEquals("v2", Files.readString(target.resolve("b")));
    assertTrue(Files.notExists(target.resolve("a")));
    try (Stream<Path> s = Files.list(tmp)) {
      assertEquals(1, s.count(), "no temporary directory left behind");
    }
  }

  /** The pid of a process that has exited (so its temporaries are stale). */
  private static long deadPid() throws Exception {
    Process p = new ProcessBuilder("true").start();
    p.waitFor();
    long pid = p.pid();
    assertTrue(ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true));
    return pid;
  }

  @Test
  void staleTemporariesOfDeadProcessesAreCleanedByTheNextWrite() throws Exception {
    Path target = tmp.resolve("model.keras");
    Files.writeString(target, "old");
    long dead = deadPid();
    long live = ProcessHandle.current().parent().orElseThrow().pid();
    Path stale = tmp.resolve(".model.keras" + AtomicFiles.TMP_TAG + dead + "-123.tmp");
    Path staleScratch = tmp.resolve(".model.keras" + AtomicFiles.TMP_TAG + dead
        + "-123.tmp.weights.h5");
    Path busy = tmp.resolve(".model.keras" + AtomicFiles.TMP_TAG + live + "-456.tmp");
    Path unrelated = tmp.resolve(".model.keras.backup");
    for (Path p : new Path[] {stale, staleScratch, busy, unrelated}) {
      Files.writeString(p, "x");
    }
    AtomicFiles.writeFile(target, true, t -> Files.writeString(t, "new"));
    assertEquals("new", Files.readString(target));
    assertTrue(Files.notExists(stale) && Files.notExists(staleScratch), "dead writer's files");
    assertTrue(Files.exists(busy), "a live process's temporary is left alone");
    assertTrue(Files.exists(unrelated), "files not named as temporaries are never touched");
  }

  /** A directory moved aside by a writer that died before moving the new one in is restored. */
  @Test
  void halfReplacedDirectoryIsRestored() throws Exception {
    Path target = tmp.resolve("saved_model");
    long dead = deadPid();
    Path old = tmp.resolve(".saved_model" + AtomicFiles.OLD_TAG + dead + "-99");
    Files.createDirectories(old);
    Files.writeString(old.resolve("a"), "v1");
    Path half = tmp.resolve(".saved_model" + AtomicFiles.TMP_TAG + dead + "-77");
    Files.createDirectories(half.resolve("content"));
    assertEquals(2, AtomicFiles.cleanStale(target));
    assertEquals("v1", Files.readString(target.resolve("a")));
    try (Stream<Path> s = Files.list(tmp)) {
      assertEquals(1, s.count(), "only the restored directory");
    }
  }
}
