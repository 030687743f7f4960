package org.kerasbridge.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.kerasbridge.fuzz.FuzzCorpus.Kind;

/**
 * Regression files: minimized fuzz cases kept under {@code src/test/resources/fuzz-regressions/}.
 * The kind comes from the extension ({@code .keras}, {@code .h5}, {@code .pb} = a
 * {@code saved_model.pb}, {@code .npy}); a {@code .pb} or {@code .npy} names the fixture it
 * belongs to in a sibling {@code NAME.seed} file (a directory relative to {@code models/}: its
 * {@code variables/} or its {@code model.keras}).
 */
final class FuzzRegressions {
  private FuzzRegressions() {}

  static Mutator.Case load(Path file) {
    String n = file.getFileName().toString();
    Kind kind = n.endsWith(".keras") ? Kind.KERAS : n.endsWith(".h5") ? Kind.H5
        : n.endsWith(".pb") ? Kind.SAVED_MODEL : n.endsWith(".npy") ? Kind.NPY : null;
    if (kind == null) {
      throw new IllegalArgumentException(file + ": unknown regression file kind");
    }
    try {
      Path dir = null;
      Path seedFile = file.resolveSibling(n.substring(0, n.lastIndexOf('.')) + ".seed");
      if (Files.exists(seedFile)) {
        dir = FuzzPaths.root().resolve("models").resolve(Files.readString(seedFile).strip());
      } else if (kind == Kind.SAVED_MODEL || kind == Kind.NPY) {
        dir = file.toAbsolutePath().getParent();
      }
      byte[] bytes = Files.readAllBytes(file);
      return new Mutator.Case(0, new FuzzCorpus.Seed(n, kind, bytes, dir), "regression " + n,
          bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
