package org.kerasbridge.model;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Keras's {@code CSVLogger}: one row per epoch ({@code epoch} then the logged values in sorted
 * order), written and flushed as each epoch ends so a crash keeps what was logged.
 */
public final class CsvLogger implements Callback {
  private final Path file;
  private final boolean append;
  private BufferedWriter out;
  private List<String> keys;

  public CsvLogger(Path file, boolean append) {
    this.file = file;
    this.append = append;
  }

  @Override
  public void onTrainBegin(KerasModel model) {
    try {
      boolean exists = append && Files.exists(file) && Files.size(file) > 0;
      out = Files.newBufferedWriter(file, append ? new StandardOpenOption[] {
          StandardOpenOption.CREATE, StandardOpenOption.APPEND}
          : new StandardOpenOption[] {StandardOpenOption.CREATE,
              StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE});
      keys = exists ? List.of() : null;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  @Override
  public void onEpochEnd(KerasModel model, int epoch, Map<String, Double> logs) {
    try {
      if (keys == null || keys.isEmpty()) {
        boolean header = keys == null;
        keys = new ArrayList<>(logs.keySet());
        keys.sort(null);
        if (header) {
          out.write("epoch," + String.join(",", keys));
          out.newLine();
        }
      }
      StringBuilder b = new StringBuilder().append(epoch);
      for (String k : keys) {
        Double v = logs.get(k);
        b.append(',').append(v == null ? "" : String.format(Locale.ROOT, "%s", v));
      }
      out.write(b.toString());
      out.newLine();
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  @Override
  public void onTrainEnd(KerasModel model) {
    try {
      if (out != null) {
        out.close();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot close " + file, e);
    }
  }
}
