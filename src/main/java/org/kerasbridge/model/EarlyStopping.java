package org.kerasbridge.model;

import java.util.Map;
import org.kerasbridge.InvalidInputException;
import org.kerasbridge.ndarray.NpyArray;

/**
 * Keras's {@code EarlyStopping}: stops {@code fit} when {@code monitor} has not improved by more
 * than {@code minDelta} for {@code patience} epochs; optionally restores the best weights.
 * {@code mode} "auto" minimizes unless the name contains "acc".
 */
public final class EarlyStopping implements Callback {
  private final String monitor;
  private final double minDelta;
  private final int patience;
  private final boolean maximize;
  private final boolean restoreBestWeights;
  private double best;
  private int wait;
  private int stoppedEpoch = -1;
  private Map<String, NpyArray> bestWeights;

  public EarlyStopping(String monitor, double minDelta, int patience, String mode,
      boolean restoreBestWeights) {
    this.monitor = monitor;
    this.minDelta = Math.abs(minDelta);
    this.patience = patience;
    switch (mode) {
      case "min": maximize = false; break;
      case "max": maximize = true; break;
      case "auto": maximize = monitor.contains("acc"); break;
      default: throw new InvalidInputException("EarlyStopping mode '" + mode
          + "': expected auto, min or max");
    }
    this.restoreBestWeights = restoreBestWeights;
  }

  /** Keras's defaults: monitor val_loss, min_delta 0, patience 0, mode auto, no restore. */
  public static EarlyStopping onValLoss(int patience) {
    return new EarlyStopping("val_loss", 0, patience, "auto", false);
  }

  @Override
  public void onTrainBegin(KerasModel model) {
    best = maximize ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    wait = 0;
    stoppedEpoch = -1;
    bestWeights = null;
  }

  @Override
  public void onEpochEnd(KerasModel model, int epoch, Map<String, Double> logs) {
    Double v = logs.get(monitor);
    if (v == null) {
      throw new InvalidInputException("EarlyStopping monitors '" + monitor + "', which fit did"
          + " not log (available: " + logs.keySet() + ")");
    }
    boolean improved = maximize ? v - minDelta > best : v + minDelta < best;
    if (improved) {
      best = v;
      wait = 0;
      if (restoreBestWeights) {
        bestWeights = model.weightValues();
      }
      return;
    }
    wait++;
    if (wait >= patience && epoch > 0) {
      stoppedEpoch = epoch;
      model.stopTraining();
      if (restoreBestWeights && bestWeights != null) {
        model.setWeightValues(bestWeights);
      }
    }
  }

  /** The epoch training stopped at, or -1. */
  public int stoppedEpoch() {
    return stoppedEpoch;
  }
}
