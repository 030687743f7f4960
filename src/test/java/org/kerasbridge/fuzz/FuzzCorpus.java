package org.kerasbridge.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The real files the fuzzer mutates, read once into memory: the small fixtures under
 * {@code models/} ({@code .keras}, Keras 3 and Keras 2 {@code .h5}, {@code saved_model.pb},
 * {@code .npy}) and, when asked, the real-world {@code ../shared/keras-corpus} files.
 */
final class FuzzCorpus {
  enum Kind { KERAS, H5, SAVED_MODEL, NPY }

  /**
   * One seed file. For {@link Kind#SAVED_MODEL} {@code dir} is the SavedModel directory whose
   * {@code variables/} the mutated {@code saved_model.pb} is paired with; for {@link Kind#NPY}
   * {@code dir} is the fixture directory whose {@code model.keras} consumes the array.
   */
  record Seed(String name, Kind kind, byte[] bytes, Path dir) {}

  final List<Seed> seeds = new ArrayList<>();

  /**
   * @param root the checkout (holding {@code models/})
   * @param maxBytes seeds larger than this are skipped (keeps the CI sample fast)
   * @param withCorpus also take {@code ../shared/keras-corpus/*}{@code /model.h5}
   */
  static FuzzCorpus load(Path root, long maxBytes, boolean withCorpus) {
    return load(root, maxBytes, withCorpus, java.util.Set.of());
  }

  /** As {@link #load(Path, long, boolean)}, without the seeds named in {@code exclude}. */
  static FuzzCorpus load(Path root, long maxBytes, boolean withCorpus,
      java.util.Set<String> exclude) {
    FuzzCorpus c = new FuzzCorpus();
    Path models = root.resolve("models");
    List<Path> files;
    try (Stream<Path> s = Files.walk(models)) {
      files = s.filter(Files::isRegularFile).sorted(Comparator.comparing(Path::toString))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (Path p : files) {
      String n = p.getFileName().toString();
      String rel = models.relativize(p).toString();
      if (n.endsWith(".keras")) {
        c.add(rel, Kind.KERAS, p, null, maxBytes);
      } else if (n.endsWith(".h5")) {
        c.add(rel, Kind.H5, p, null, maxBytes);
      } else if (n.equals("saved_model.pb")) {
        c.add(rel, Kind.SAVED_MODEL, p, p.getParent(), maxBytes * 8);
      } else if (n.equals("input_0.npy") && Files.isRegularFile(p.resolveSibling("model.keras"))
          && !Files.exists(p.resolveSibling("input_1.npy"))) {
        c.add(rel, Kind.NPY, p, p.getParent(), maxBytes);
      }
    }
    if (withCorpus) {
      Path corpus = root.resolve("../shared/keras-corpus");
      if (Files.isDirectory(corpus)) {
        try (Stream<Path> s = Files.list(corpus)) {
          for (Path d : s.sorted().toList()) {
            Path h5 = d.resolve("model.h5");
            if (Files.isRegularFile(h5)) {
              c.add("keras-corpus/" + d.getFileName() + "/model.h5", Kind.H5, h5, null,
                  Long.MAX_VALUE);
            }
          }
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
    c.seeds.removeIf(sd -> exclude.contains(sd.name()));
    return c;
  }

  private void add(String name, Kind kind, Path p, Path dir, long maxBytes) {
    try {
      if (Files.size(p) <= maxBytes) {
        seeds.add(new Seed(name, kind, Files.readAllBytes(p), dir));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  List<Seed> ofKind(Kind k) {
    return seeds.stream().filter(s -> s.kind() == k).toList();
  }
}
