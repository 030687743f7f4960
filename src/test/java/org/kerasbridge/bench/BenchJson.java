package org.kerasbridge.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** JSON lines and peak RSS for the bench mains; no TF Java classes (the DL4J JVM uses it). */
final class BenchJson {
  private BenchJson() {}

  /** Peak resident set size of this process (VmHWM), in MB. */
  static double peakRssMb() {
    try {
      for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (l.startsWith("VmHWM:")) {
          return Long.parseLong(l.replaceAll("\\D", "")) / 1024.0;
        }
      }
    } catch (IOException e) {
      return -1;
    }
    return -1;
  }

  static void emit(Map<String, Object> fields) {
    Map<String, Object> sorted = new LinkedHashMap<>(new java.util.TreeMap<>(fields));
    StringBuilder b = new StringBuilder("{");
    for (var e : sorted.entrySet()) {
      if (b.length() > 1) {
        b.append(", ");
      }
      b.append('"').append(e.getKey()).append("\": ");
      Object v = e.getValue();
      if (v instanceof String s) {
        b.append('"').append(s.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
      } else if (v instanceof Double d) {
        b.append(String.format(Locale.ROOT, "%.4f", d));
      } else {
        b.append(v);
      }
    }
    System.out.println(b.append('}'));
  }
}
