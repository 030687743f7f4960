package org.kerasbridge.io.export;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.kerasbridge.io.KerasJson;

/**
 * The pinned Python environment the export tests check against: {@code python-reference/.venv}
 * (built offline by {@code python-reference/venv.sh}, which {@code .ci/run} runs), or the
 * interpreter named by {@code -Dkerasbridge.python=...} / {@code $KERASBRIDGE_PYTHON}. When none
 * is there, the tests that need it are skipped with {@link #missingReason()}.
 */
public final class PythonEnv {
  private PythonEnv() {}

  /** The repository root (Maven runs tests from it). */
  public static Path repo() {
    Path p = Path.of("").toAbsolutePath();
    for (Path q = p; q != null; q = q.getParent()) {
      if (Files.isRegularFile(q.resolve("pom.xml"))
          && Files.isDirectory(q.resolve("python-reference"))) {
        return q;
      }
    }
    return p;
  }

  /**
   * The Python interpreter to use, or null when there is none. The default venv counts only once
   * {@code venv.sh} finished installing into it (its {@code .requirements.sha256} stamp exists),
   * so a half-built venv skips rather than fails.
   */
  public static Path python() {
    String s = System.getProperty("kerasbridge.python");
    if (s == null || s.isBlank()) {
      s = System.getenv("KERASBRIDGE_PYTHON");
    }
    if (s != null && !s.isBlank()) {
      Path p = Path.of(s);
      return Files.isExecutable(p) ? p : null;
    }
    Path venv = repo().resolve("python-reference/.venv");
    Path p = venv.resolve("bin/python");
    return Files.isExecutable(p) && Files.isRegularFile(venv.resolve(".requirements.sha256"))
        ? p : null;
  }

  /** Why the Python checks cannot run, for the skip message. */
  public static String missingReason() {
    String s = System.getProperty("kerasbridge.python", System.getenv("KERASBRIDGE_PYTHON"));
    String where = s != null && !s.isBlank() ? s + " (from -Dkerasbridge.python /"
        + " KERASBRIDGE_PYTHON) is not an executable"
        : "no pinned Python venv at " + repo().resolve("python-reference/.venv")
            + " (or venv.sh did not finish installing into it)";
    return "Python round-trip checks SKIPPED: " + where + "; build the venv offline with"
        + " 'bash python-reference/venv.sh', as .ci/run does";
  }

  /** {@code roundtrip.py}. */
  public static Path script() {
    return repo().resolve("python-reference/roundtrip.py");
  }

  /**
   * Runs {@code roundtrip.py manifest report} once and returns the report. Its console output
   * goes to {@code log}.
   */
  public static JsonNode run(Path manifest, Path report, Path log, long timeoutSeconds) {
    List<String> cmd = new ArrayList<>(List.of(python().toString(), script().toString(),
        manifest.toString(), report.toString()));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    pb.environment().put("TF_CPP_MIN_LOG_LEVEL", "2");
    pb.environment().put("PYTHONHASHSEED", "0");
    try {
      Process p = pb.start();
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("roundtrip.py did not finish in " + timeoutSeconds + " s; log: "
            + tail(log));
      }
      if (p.exitValue() != 0 || !Files.isRegularFile(report)) {
        throw new AssertionError("roundtrip.py failed (exit " + p.exitValue() + "): " + tail(log));
      }
      return KerasJson.MAPPER.readTree(report.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }
}
