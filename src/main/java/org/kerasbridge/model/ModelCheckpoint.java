package org.kerasbridge.model;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.kerasbridge.InvalidInputException;
import org.kerasbridge.io.ModelWriters;

/**
 * Keras's {@code ModelCheckpoint}: writes the model at the end of each epoch, or only when
 * {@code monitor} improved ({@code saveBestOnly}). {@code {epoch}} in the path is replaced by the
 * 1-based epoch number, as Keras formats it. Each write is atomic, so a crash mid-write keeps the
 * previous checkpoint. The format follows the extension (.keras, .h5, or a SavedModel dir).
 */
public final class ModelCheckpoint implements Callback {
  private final String pathPattern;
  private final String monitor;
  private final boolean saveBestOnly;
  private final boolean maximize;
  private double best;

  public ModelCheckpoint(String pathPattern, String monitor, boolean saveBestOnly) {
    this.pathPattern = pathPattern;
    this.monitor = monitor;
    this.saveBestOnly = saveBestOnly;
    this.maximize = monitor.contains("acc");
  }

  @Override
  public void onTrainBegin(KerasModel model) {
    best = maximize ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
  }

  @Override
  public void onEpochEnd(KerasModel model, int epoch, Map<String, Double> logs) {
    if (saveBestOnly) {
      Double v = logs.get(monitor);
      if (v == null) {
        throw new InvalidInputException("ModelCheckpoint monitors '" + monitor + "', which fit"
            + " did not log (available: " + logs.keySet() + ")");
      }
      if (!(maximize ? v > best : v < best)) {
        return;
      }
      best = v;
    }
    Path out = Path.of(pathPattern.replace("{epoch}", String.format(Locale.ROOT, "%02d",
        epoch + 1)));
    ModelWriters.write(model, out, ModelWriters.Format.infer(out), true);
  }
}
