package org.kerasbridge.layers;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import org.kerasbridge.KerasBridgeException;
import org.kerasbridge.graph.GraphRuntime;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * A layer weight as Keras declares it in {@code build}: its name ({@code kernel}), shape, whether
 * it trains, and its initializer config. The model binds it to a graph variable; layers read it
 * with {@link #value()}.
 */
public final class Weight {
  private final String name;
  private final String path;
  private final long[] shape;
  private final boolean trainable;
  private final JsonNode initializer;
  private GraphRuntime.Var var;

  Weight(String name, String path, long[] shape, boolean trainable, JsonNode initializer) {
    this.name = name;
    this.path = path;
    this.shape = shape.clone();
    this.trainable = trainable;
    this.initializer = initializer;
  }

  /** The Keras weight name, e.g. {@code kernel}. */
  public String name() {
    return name;
  }

  /** The Keras 3 variable path, e.g. {@code lstm/lstm_cell/kernel}. */
  public String path() {
    return path;
  }

  public long[] shape() {
    return shape.clone();
  }

  public boolean trainable() {
    return trainable;
  }

  /** The Keras initializer config ({@code "glorot_uniform"} or a dict), or null. */
  public JsonNode initializer() {
    return initializer;
  }

  public long size() {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    return n;
  }

  /** Binds the weight to its graph variable; done once by the model. */
  public void bind(GraphRuntime.Var variable) {
    if (!Arrays.equals(variable.shape(), shape)) {
      throw new KerasBridgeException("weight " + path + " of shape " + Arrays.toString(shape)
          + " bound to a variable of shape " + Arrays.toString(variable.shape()));
    }
    this.var = variable;
  }

  public boolean isBound() {
    return var != null;
  }

  public GraphRuntime.Var variable() {
    if (var == null) {
      throw new KerasBridgeException("weight " + path + " is not bound to a graph variable");
    }
    return var;
  }

  /** The weight's current value inside the graph (an Identity read of the variable). */
  public Operand<TFloat32> value() {
    return variable().read();
  }

  @Override
  public String toString() {
    return path + Arrays.toString(shape);
  }
}
