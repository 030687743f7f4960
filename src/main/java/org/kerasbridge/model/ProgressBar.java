package org.kerasbridge.model;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;

/**
 * Keras-style progress: {@code Epoch 1/5}, then {@code 469/469 ━━━━━━━━━━━━━━━━━━━━ 3s 6ms/step -
 * accuracy: 0.9012 - loss: 0.3301 - val_loss: ...}. On a terminal the bar redraws in place; in a
 * log only the epoch's final line is written.
 */
final class ProgressBar implements ProgressSink {
  private static final int WIDTH = 20;
  private final PrintStream out;
  private final boolean interactive;
  private int steps;
  private long start;
  private long lastDraw;

  ProgressBar(PrintStream out) {
    this.out = out;
    this.interactive = System.console() != null;
  }

  @Override
  public void epochBegin(int epoch, int epochs, int steps) {
    this.steps = steps;
    out.println("Epoch " + (epoch + 1) + "/" + epochs);
    start = System.nanoTime();
    lastDraw = 0;
  }

  @Override
  public void batchEnd(int step, int steps, Map<String, Double> logs) {
    if (!interactive) {
      return;
    }
    long now = System.nanoTime();
    if (step < steps && now - lastDraw < 100_000_000L) {
      return;
    }
    lastDraw = now;
    out.print("\r" + line(step, steps, logs, now - start));
    out.flush();
  }

  @Override
  public void epochEnd(int epoch, int epochs, Map<String, Double> logs) {
    String l = line(steps, steps, logs, System.nanoTime() - start);
    out.print(interactive ? "\r" + l + "\n" : l + "\n");
    out.flush();
  }

  /** The SLF4J sink: one line per epoch, {@code Epoch 1/5: 469 steps, 3s 6ms/step - loss: ...}. */
  static final class Logging implements ProgressSink {
    private final Logger log;
    private int steps;
    private long start;

    Logging(Logger log) {
      this.log = log;
    }

    @Override
    public void epochBegin(int epoch, int epochs, int steps) {
      this.steps = steps;
      start = System.nanoTime();
    }

    @Override
    public void batchEnd(int step, int steps, Map<String, Double> logs) {}

    @Override
    public void epochEnd(int epoch, int epochs, Map<String, Double> logs) {
      if (log.isInfoEnabled()) {
        log.info("Epoch {}/{}: {}", epoch + 1, epochs,
            line(steps, steps, logs, System.nanoTime() - start));
      }
    }
  }

  static String line(int step, int steps, Map<String, Double> logs, long nanos) {
    int width = String.valueOf(steps).length();
    int filled = steps == 0 ? WIDTH : (int) ((long) WIDTH * step / steps);
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "%" + width + "d/%d ", step, steps));
    b.append("━".repeat(filled)).append(" ".repeat(WIDTH - filled));
    double seconds = nanos / 1e9;
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
