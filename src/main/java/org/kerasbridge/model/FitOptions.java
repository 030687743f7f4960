package org.kerasbridge.model;

import java.util.ArrayList;
import java.util.List;
import org.kerasbridge.InvalidInputException;
import org.kerasbridge.ndarray.NpyArray;

/**
 * The arguments of {@code fit}, with Keras's defaults: 1 epoch, batch size 32, shuffle,
 * verbose. Required values are set with {@code setX}, optional ones with {@code optX}.
 */
public final class FitOptions {
  int epochs = 1;
  int batchSize = 32;
  boolean shuffle = true;
  long seed = 1337;
  double validationSplit;
  List<NpyArray> validationX;
  List<NpyArray> validationY;
  NpyArray sampleWeight;
  boolean verbose = true;
  ProgressSink progress;
  int initialEpoch;
  final List<Callback> callbacks = new ArrayList<>();

  public static FitOptions defaults() {
    return new FitOptions();
  }

  public FitOptions setEpochs(int n) {
    if (n < 1) {
      throw new InvalidInputException("epochs must be >= 1, got " + n);
    }
    epochs = n;
    return this;
  }

  public FitOptions setBatchSize(int n) {
    if (n < 1) {
      throw new InvalidInputException("batch size must be >= 1, got " + n);
    }
    batchSize = n;
    return this;
  }

  public FitOptions optShuffle(boolean s) {
    shuffle = s;
    return this;
  }

  /** Seed of the per-epoch shuffling (Keras's own shuffle order cannot be reproduced). */
  public FitOptions optSeed(long s) {
    seed = s;
    return this;
  }

  /** The last {@code fraction} of the samples (before shuffling) validate, as in Keras. */
  public FitOptions optValidationSplit(double fraction) {
    if (!(fraction >= 0 && fraction < 1)) {
      throw new InvalidInputException("validation split must be in [0, 1), got " + fraction);
    }
    validationSplit = fraction;
    return this;
  }

  public FitOptions optValidationData(List<NpyArray> x, List<NpyArray> y) {
    validationX = List.copyOf(x);
    validationY = List.copyOf(y);
    return this;
  }

  public FitOptions optSampleWeight(NpyArray w) {
    sampleWeight = w;
    return this;
  }

  public FitOptions optVerbose(boolean v) {
    verbose = v;
    return this;
  }

  /**
   * Where progress goes when verbose (default: {@link ProgressSink#getDefault()}, SLF4J unless
   * the application set another).
   */
  public FitOptions optProgress(ProgressSink sink) {
    progress = java.util.Objects.requireNonNull(sink, "sink");
    return this;
  }

  public FitOptions optInitialEpoch(int e) {
    initialEpoch = e;
    return this;
  }

  public FitOptions addCallback(Callback c) {
    callbacks.add(c);
    return this;
  }
}
