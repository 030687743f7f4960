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
}
