package org.kerasbridge.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What {@code fit} returns: each logged value ({@code loss}, {@code val_loss}, ...) per epoch. */
public final class History {
  private final Map<String, List<Double>> history = new LinkedHashMap<>();
  private final List<Integer> epochs = new ArrayList<>();

  void add(int epoch, Map<String, Double> logs) {
    epochs.add(epoch);
    for (Map.Entry<String, Double> e : logs.entrySet()) {
      history.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue());
    }
  }

  /** Keras's {@code history.history}. */
  public Map<String, List<Double>> history() {
    Map<String, List<Double>> out = new LinkedHashMap<>();
    history.forEach((k, v) -> out.put(k, Collections.unmodifiableList(v)));
    return Collections.unmodifiableMap(out);
  }

  public List<Double> get(String key) {
    return history.getOrDefault(key, List.of());
  }

  /** The epochs that ran (0-based). */
  public List<Integer> epochs() {
    return List.copyOf(epochs);
  }

  @Override
  public String toString() {
    return history.toString();
  }
}
