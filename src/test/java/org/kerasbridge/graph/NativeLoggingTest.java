package org.kerasbridge.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * TensorFlow's native INFO lines stay out of a fresh JVM's output without any environment
 * setting, and come back with an explicit TF_CPP_MIN_LOG_LEVEL=0 (so the check can fail). Runs
 * the CLI's parity command in child JVMs, since TensorFlow reads the setting once per process.
 */
class NativeLoggingTest {
  private static final String TF_INFO = "I tensorflow/"; // "2026-... I tensorflow/core/..."

  private static String[] run(Map<String, String> env) throws IOException, InterruptedException {
    Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
    ProcessBuilder pb = new ProcessBuilder(javaBin.toString(), "-cp",
        System.getProperty("java.class.path"), "org.kerasbridge.cli.Main", "parity",
        "models/mnist_cnn/model.keras", "--input", "models/mnist_cnn/input_0.npy", "--expected",
        "models/mnist_cnn/output_0.npy");
    pb.environment().remove("TF_CPP_MIN_LOG_LEVEL");
    pb.environment().putAll(env);
    Path err = Path.of("target", "native-logging-" + env.size() + ".err");
    pb.redirectError(err.toFile());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int code = p.waitFor();
    return new String[] {Integer.toString(code), out,
        Files.readString(err, StandardCharsets.UTF_8)};
  }

  @Test
  void tensorflowInfoLinesAreSilencedUnlessAskedFor() throws Exception {
    String[] quiet = run(Map.of());
    assertEquals("0", quiet[0], quiet[2]);
    assertTrue(quiet[1].contains("parity: ok"), quiet[1]);
    assertFalse(quiet[2].contains(TF_INFO), "TensorFlow's log reached stderr:\n" + quiet[2]);
    List<String> lines = quiet[2].lines().filter(l -> !l.isBlank()).toList();
    // what is left: our own line and the two Abseil lines no setting reaches (see NativeLogging)
    for (String l : lines) {
      assertTrue(l.startsWith("[INFO] KerasBridge: running on")
          || l.startsWith("WARNING: All log messages before absl::InitializeLog()")
          || l.contains("mlir_graph_optimization_pass.cc"), "unexpected stderr line: " + l);
    }

    String[] loud = run(Map.of("TF_CPP_MIN_LOG_LEVEL", "0"));
    assertEquals("0", loud[0], loud[2]);
    assertTrue(loud[2].contains(TF_INFO), "TF_CPP_MIN_LOG_LEVEL=0 should show TF's log:\n"
        + loud[2]);
  }
}
