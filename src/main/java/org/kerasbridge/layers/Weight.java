package org.kerasbridge.layers;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import org.kerasbridge.KerasBridgeException;
import org.kerasbridge.graph.GraphRuntime;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TType;

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
  private final Class<? extends TType> variableType;
  private final Class<? extends TType> valueType;
  private GraphRuntime.Var var;
  private Operand<TFloat32> value;

  Weight(String name, String path, long[] shape, boolean trainable, JsonNode initializer,
      Class<? extends TType> variableType, Class<? extends TType> valueType) {
    this.variableType = variableType;
    this.valueType = valueType;
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

  /**
   * The dtype Keras gives the variable (its policy's variable dtype). The graph holds every
   * variable in float32; a float16/bfloat16 value widens to float32 exactly.
   */
  public Class<? extends TType> variableType() {
    return variableType;
  }

  /** The dtype {@link #value()} has: the compute dtype, or the variable dtype without autocast. */
  public Class<? extends TType> valueType() {
    return valueType;
  }

  /**
   * Binds the weight to its graph variable; done once by the model. A weight whose variable or
   * value dtype is not float32 gets its read op here: the float32 storage narrowed to the variable
   * dtype (exact for a value that came from a file of that dtype), then cast to the value dtype,
   * as Keras's AutoCastVariable does.
   */
  @SuppressWarnings("unchecked")
  public void bind(GraphRuntime.Var variable, GraphRuntime runtime) {
    bind(variable);
    Operand<? extends TType> v = variable.read();
    if (variableType != TFloat32.class || valueType != TFloat32.class) {
      org.tensorflow.op.Ops tf = GraphRuntime.scoped(runtime.tf(), variable.path());
      v = DTypePolicy.cast(tf.withName("read_" + DTypePolicy.dtypeName(variableType)), v,
          variableType);
      v = DTypePolicy.cast(tf.withName("read_" + DTypePolicy.dtypeName(valueType)), v,
          valueType);
    }
    this.value = (Operand<TFloat32>) v;
  }

  /** Binds the weight to its float32 graph variable; done once by the model. */
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

  /**
   * The weight's current value inside the graph: an Identity read of the variable, in {@link
   * #valueType()} (so under a half-precision policy a float16/bfloat16 operand despite the
   * signature).
   */
  public Operand<TFloat32> value() {
    GraphRuntime.Var v = variable();
    return value != null ? value : v.read();
  }

  @Override
  public String toString() {
    return path + Arrays.toString(shape);
  }
}
