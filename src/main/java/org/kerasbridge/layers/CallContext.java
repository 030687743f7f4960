package org.kerasbridge.layers;

import java.util.ArrayList;
import java.util.List;
import org.kerasbridge.graph.GraphRuntime;
import org.tensorflow.Operand;
import org.tensorflow.op.Op;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;

/**
 * What a layer's {@code call} may use beyond its inputs: whether this graph is for training, the
 * input masks, and sinks for state updates (BatchNormalization's moving statistics, a stateful
 * RNN's carried state) and extra losses (regularizers). One context serves one traced graph.
 */
public final class CallContext {
  private final GraphRuntime runtime;
  private final boolean training;
  private final List<Op> updates = new ArrayList<>();
  private final List<Operand<TFloat32>> losses = new ArrayList<>();
  private final List<StatefulLayer> statefulLayers = new ArrayList<>();
  private List<Operand<TBool>> masks = List.of();
  private long seedCounter;
  private final long seed;

  public CallContext(GraphRuntime runtime, boolean training, long seed) {
    this.runtime = runtime;
    this.training = training;
    this.seed = seed;
  }

  public GraphRuntime runtime() {
    return runtime;
  }

  /** True in a training graph: Dropout drops, BatchNormalization uses batch statistics. */
  public boolean training() {
    return training;
  }

  /** The masks of the current call's inputs, aligned with them; entries may be null. */
  public List<Operand<TBool>> masks() {
    return masks;
  }

  /** The mask of input {@code i}, or null. */
  public Operand<TBool> mask(int i) {
    return i < masks.size() ? masks.get(i) : null;
  }

  /** Set by the model before each layer call. */
  public void setMasks(List<Operand<TBool>> masks) {
    this.masks = masks == null ? List.of() : new ArrayList<>(masks);
  }

  private com.fasterxml.jackson.databind.JsonNode nodeArgs;

  /**
   * The positional {@code args} of the current call as the model config records them, tensors
   * and constants alike (a Keras op such as {@code NotEqual(x, 0)} reads its constant here).
   */
  public com.fasterxml.jackson.databind.JsonNode nodeArgs() {
    return nodeArgs;
  }

  /** Set by the model before each layer call. */
  public void setNodeArgs(com.fasterxml.jackson.databind.JsonNode args) {
    this.nodeArgs = args;
  }

  /** An op that must run with every step of this graph (e.g. a moving-average update). */
  public void addUpdate(Op update) {
    updates.add(update);
  }

  public List<Op> updates() {
    return List.copyOf(updates);
  }

  /** A scalar added to the training loss (activity regularization and the like). */
  public void addLoss(Operand<TFloat32> loss) {
    losses.add(loss);
  }

  public List<Operand<TFloat32>> losses() {
    return List.copyOf(losses);
  }

  /** Registers a layer whose state outlives a call, for {@code resetStates()}. */
  public void registerStateful(StatefulLayer layer) {
    if (!statefulLayers.contains(layer)) {
      statefulLayers.add(layer);
    }
  }

  public List<StatefulLayer> statefulLayers() {
    return List.copyOf(statefulLayers);
  }

  /** A fresh op seed for a random op (Dropout), derived from the model seed. */
  public long nextSeed() {
    return seed * 1_000_003L + (++seedCounter);
  }
}
