package org.kerasbridge.io;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.kerasbridge.ndarray.NpyArray;

/**
 * Where the reader tests find their inputs: the repository (Maven runs tests from its root), the
 * reader fixtures and expectations under {@code src/test/resources/io/} (made by
 * {@code python-reference/reader_expectations.py}), the seed fixtures under {@code models/}, and
 * the real-world corpus (system property {@code keras.corpus}, else env {@code KERAS_CORPUS},
 * else {@code <repo>/../shared/keras-corpus}; never copied into the repository).
 */
final class IoFixtures {
  private IoFixtures() {}

  static Path repo() {
    Path p = Path.of("").toAbsolutePath();
    for (Path q = p; q != null; q = q.getParent()) {
      if (Files.isRegularFile(q.resolve("pom.xml"))) {
        return q;
      }
    }
    return p;
  }

  static Path resources() {
    return repo().resolve("src/test/resources/io");
  }

  static Path readerModel(String name, String file) {
    return resources().resolve("models").resolve(name).resolve(file);
  }

  static Path corpus() {
    String prop = System.getProperty("keras.corpus");
    if (prop == null || prop.isBlank()) {
      prop = System.getenv("KERAS_CORPUS");
    }
    return prop == null || prop.isBlank() ? repo().resolve("../shared/keras-corpus").normalize()
        : Path.of(prop);
  }

  /** The corpus model files, or an empty list (with a visible message) when absent. */
  static List<Path> corpusModels() {
    Path c = corpus();
    if (!Files.isDirectory(c)) {
      System.err.println("[io tests] keras-corpus not found at " + c
          + ": corpus reader tests are skipped (set -Dkeras.corpus or KERAS_CORPUS)");
      return List.of();
    }
    try (Stream<Path> s = Files.list(c)) {
      return s.map(d -> d.resolve("model.h5")).filter(Files::isRegularFile).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Every {@code X.keras} under models/ that has an {@code X.h5} beside it (the seed models'
   * {@code model.*}, the training fixtures' {@code initial.*}), as the .keras paths.
   */
  static List<Path> seedModels() {
    Path m = repo().resolve("models");
    if (!Files.isDirectory(m)) {
      System.err.println("[io tests] no models/ directory at " + m + ": seed fixture tests are"
          + " skipped (python-reference/generate.sh makes it)");
      return List.of();
    }
    List<Path> out = new ArrayList<>();
    try (Stream<Path> s = Files.walk(m.toRealPath(), 4)) {
      s.filter(p -> p.getFileName().toString().endsWith(".keras") && Files.isRegularFile(p))
          .filter(p -> Files.isRegularFile(h5Twin(p))).sorted().forEach(out::add);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  static Path h5Twin(Path keras) {
    String n = keras.getFileName().toString();
    return keras.resolveSibling(n.substring(0, n.length() - ".keras".length()) + ".h5");
  }

  static JsonNode expectations() {
    Path p = resources().resolve("expectations.json");
    try {
      return KerasJson.MAPPER.readTree(Files.readString(p));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static double sum(NpyArray a) {
    double s = 0;
    for (long i = 0; i < a.size(); i++) {
      s += a.getDouble(i);
    }
    return s;
  }

  static long[] shape(JsonNode n) {
    long[] s = new long[n.size()];
    for (int i = 0; i < s.length; i++) {
      s[i] = n.get(i).asLong();
    }
    return s;
  }
}
