package org.kerasbridge.model;

import java.io.PrintStream;
import java.util.Map;
import java.util.Objects;
import org.slf4j.LoggerFactory;

/**
 * Where {@code fit} reports its progress. The library writes nothing to stdout itself: by default
 * each epoch's Keras-style summary line goes to SLF4J (logger {@code org.kerasbridge.fit}, level
 * INFO), so the application's logging backend decides what is shown. The command line installs
 * {@link #console(PrintStream)}, Keras's progress bar on stdout.
 *
 * <p>Choose per call with {@link FitOptions#optProgress(ProgressSink)}, or for the whole process
 * with {@link #setDefault(ProgressSink)}; {@link FitOptions#optVerbose(boolean) optVerbose(false)}
 * reports nothing.
 */
public interface ProgressSink {
  /** Before the first batch of epoch {@code epoch} (0-based) of {@code epochs}. */
  void epochBegin(int epoch, int epochs, int steps);

  /** After training batch {@code step} (1-based) of {@code steps}, with the running means. */
  void batchEnd(int step, int steps, Map<String, Double> logs);

  /** After the epoch, with its final logs (training means and {@code val_*} values). */
  void epochEnd(int epoch, int epochs, Map<String, Double> logs);

  /** Reports nothing. */
  static ProgressSink none() {
    return Holder.NONE;
  }

  /** One INFO line per epoch on SLF4J logger {@code org.kerasbridge.fit}. */
  static ProgressSink logging() {
    return new ProgressBar.Logging(LoggerFactory.getLogger("org.kerasbridge.fit"));
  }

  /** Keras's progress: {@code Epoch 1/5}, then a bar redrawn in place on a terminal. */
  static ProgressSink console(PrintStream out) {
    return new ProgressBar(Objects.requireNonNull(out, "out"));
  }

  /** The sink {@code fit} uses when the options name none ({@link #logging()} unless set). */
  static ProgressSink getDefault() {
    ProgressSink s = Holder.defaultSink;
    return s != null ? s : logging();
  }

  /** Sets the process-wide default sink ({@code null} restores {@link #logging()}). */
  static void setDefault(ProgressSink sink) {
    Holder.defaultSink = sink;
  }

  /** State of the static methods (interfaces cannot have static fields that change). */
  final class Holder {
    static final ProgressSink NONE = new ProgressSink() {
      @Override
      public void epochBegin(int epoch, int epochs, int steps) {}

      @Override
      public void batchEnd(int step, int steps, Map<String, Double> logs) {}

      @Override
      public void epochEnd(int epoch, int epochs, Map<String, Double> logs) {}
    };
    static volatile ProgressSink defaultSink;

    private Holder() {}
  }
}
