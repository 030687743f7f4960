package org.kerasbridge.model;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;

/**
 * Keras-style progress: {@code Epoch 1/5}, then {@code 469/469 ━━━━━━━━━━━━━━━━━━━━ 3s 6ms/step -
 * accuracy: 0.9012 - loss: 0.3301 - val_loss: ...}. On a terminal the bar redraws in place; in a
 * log only the epoch's final line is written.
 */
final class ProgressBar {
  private static final int WIDTH = 20;
  private final PrintStream out;
  private final boolean interactive;
  private final int steps;
  private long start;
  private long lastDraw;

  ProgressBar(PrintStream out, int steps) {
    this.out = out;
    this.steps = steps;
    this.interactive = System.console() != null;
  }

  void epochBegin(int epoch, int epochs) {
    out.println("Epoch " + (epoch + 1) + "/" + epochs);
    start = System.nanoTime();
    lastDraw = 0;
  }

  void update(int step, Map<String, Double> logs) {
    if (!interactive) {
      return;
    }
    long now = System.nanoTime();
    if (step < steps && now - lastDraw < 100_000_000L) {
      return;
    }
    lastDraw = now;
    out.print("\r" + line(step, logs, now));
    out.flush();
  }

  void epochEnd(Map<String, Double> logs) {
    String l = line(steps, logs, System.nanoTime());
    out.print(interactive ? "\r" + l + "\n" : l + "\n");
    out.flush();
  }

  private String line(int step, Map<String, Double> logs, long now) {
    int width = String.valueOf(steps).length();
    int filled = steps == 0 ? WIDTH : (int) ((long) WIDTH * step / steps);
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "%" + width + "d/%d ", step, steps));
    b.append("━".repeat(filled)).append(" ".repeat(WIDTH - filled));
    double seconds = (now - start) / 1e9;
    b.append(String.format(Locale.ROOT, " %.0fs", Math.floor(seconds)));
    if (step > 0) {
      double perStep = seconds / step;
      b.append(perStep >= 1 ? String.format(Locale.ROOT, " %.0fs/step", perStep)
          : perStep >= 1e-3 ? String.format(Locale.ROOT, " %.0fms/step", perStep * 1e3)
              : String.format(Locale.ROOT, " %.0fus/step", perStep * 1e6));
    }
    logs.keySet().stream().sorted((a, c) -> order(a) - order(c) != 0 ? order(a) - order(c)
        : a.compareTo(c)).forEach(k -> b.append(" - ").append(k).append(": ")
            .append(format(logs.get(k))));
    return b.toString();
  }

  /** Keras sorts metrics alphabetically with val_* after the training values. */
  private static int order(String key) {
    return key.startsWith("val_") ? 1 : 0;
  }

  static String format(double v) {
    double a = Math.abs(v);
    if (a != 0 && (a < 1e-3 || a >= 1e4)) {
      return String.format(Locale.ROOT, "%.4e", v);
    }
    return String.format(Locale.ROOT, "%.4f", v);
  }
}
