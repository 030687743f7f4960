package org.kerasbridge.fuzz;

import java.nio.file.Files;
import java.nio.file.Path;

/** The checkout root (where {@code models/} is), from the working directory. */
final class FuzzPaths {
  private FuzzPaths() {}

  static Path root() {
    Path p = Path.of("").toAbsolutePath();
    while (p != null && !Files.isDirectory(p.resolve("models"))) {
      p = p.getParent();
    }
    return p == null ? Path.of("") : p;
  }
}
