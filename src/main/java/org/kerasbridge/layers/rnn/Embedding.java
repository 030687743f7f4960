package org.kerasbridge.layers.rnn;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.kerasbridge.KerasBridgeException;
import org.kerasbridge.layers.CallContext;
import org.kerasbridge.layers.Layer;
import org.kerasbridge.layers.LayerConfig;
import org.kerasbridge.layers.Weight;
import org.kerasbridge.regularizers.Regularizer;
import org.kerasbridge.regularizers.Regularizers;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TNumber;
import org.tensorflow.types.family.TType;

/**
 * {@code Embedding}: ids {@code (batch, ...)} to vectors {@code (batch, ..., output_dim)} by
 * looking rows up in {@code embeddings} {@code (input_dim, output_dim)}. As Keras does: ids of a
 * dtype other than int32/int64 are cast to int32 (floats truncate toward zero), a negative id
 * {@code i} means {@code i + input_dim}, and an id outside {@code [-input_dim, input_dim)} is a
 * run-time error. With {@code mask_zero} the output mask is {@code ids != 0}, computed on the ids
 * as given (before the cast).
 */
public final class Embedding extends Layer {
  private final int inputDim;
  private final int outputDim;
  private final boolean maskZero;
  private final JsonNode initializer;
  private final Regularizer regularizer;
  private Weight embeddings;

  public Embedding(LayerConfig c) {
    super(c);
    inputDim = c.requirePositiveInt("input_dim");
    outputDim = c.requirePositiveInt("output_dim");
    if (inputDim <= 0 || outputDim <= 0) {
      c.unsupported("input_dim and output_dim must be positive, got " + inputDim + " and "
          + outputDim);
    }
    maskZero = c.getBoolean("mask_zero", false);
    initializer = c.node("embeddings_initializer");
    regularizer = Regularizers.fromConfig(c, "embeddings_regularizer");
    // Constraints act only after optimizer steps; the training loop reads them from the config.
    c.ignore("embeddings_constraint");
    // Keras 2's input_length only declared the input shape; Keras 3 drops it too.
    c.ignore("input_length");
    c.requireNeutral("sparse", false);
    c.requireNeutral("lora_rank", null);
    c.requireNeutral("lora_alpha", null);
    c.requireNeutral("quantization_config", null);
    c.finish();
  }

  @Override
  protected void build(List<Shape> inputShapes) {
    if (inputShapes.size() != 1) {
      throw new KerasBridgeException(config.where() + " takes one input, got "
          + inputShapes.size());
    }
    // Keras's Embedding sets autocast = False: read in the variable dtype, the output cast
    embeddings = addWeight("embeddings", new long[] {inputDim, outputDim}, true, initializer,
        false);
  }

  @Override
  protected boolean acceptsAnyDtype() {
    return true;
  }

  @Override
  @SuppressWarnings("unchecked")
  protected List<Operand<TFloat32>> call(Ops tf, List<Operand<? extends TType>> inputs,
      CallContext ctx) {
    Operand<? extends TType> x = inputs.get(0);
    Operand<? extends TNumber> ids;
    if (x.type() == TInt32.class) {
      Operand<TInt32> i = (Operand<TInt32>) x;
      ids = tf.select(tf.math.less(i, tf.constant(0)), tf.math.add(i, tf.constant(inputDim)), i);
    } else if (x.type() == TInt64.class) {
      Operand<TInt64> i = (Operand<TInt64>) x;
      ids = tf.select(tf.math.less(i, tf.constant(0L)),
          tf.math.add(i, tf.constant((long) inputDim)), i);
    } else {
      Operand<TInt32> i = tf.dtypes.cast(x, TInt32.class);
      ids = tf.select(tf.math.less(i, tf.constant(0)), tf.math.add(i, tf.constant(inputDim)), i);
    }
    return List.of(org.kerasbridge.layers.DTypePolicy.cast(tf,
        tf.gather(embeddings.value(), ids, tf.constant(0)), policy().computeType()));
  }

  @Override
  public List<Operand<TBool>> computeMask(Ops tf, List<Operand<? extends TType>> inputs,
      List<Operand<TBool>> masks, int outputCount) {
    List<Operand<TBool>> out = new ArrayList<>();
    out.add(maskZero ? notZero(tf, inputs.get(0)) : null);
    return out;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Operand<TBool> notZero(Ops tf, Operand<? extends TType> x) {
    Operand raw = x;
    return tf.math.notEqual(raw, tf.zerosLike(raw));
  }

  @Override
  public List<RegularizedWeight> regularizedWeights() {
    return regularizer == null || embeddings == null ? List.of()
        : List.of(new RegularizedWeight(embeddings, regularizer));
  }

  public int inputDim() {
    return inputDim;
  }

  public int outputDim() {
    return outputDim;
  }

  public boolean maskZero() {
    return maskZero;
  }

  /** Keras: the ids' shape followed by {@code output_dim}. */
  @Override
  public List<Shape> computeOutputShape(List<Shape> inputShapes) {
    Shape in = inputShapes.get(0);
    if (in.isUnknown()) {
      return List.of(Shape.unknown());
    }
    return List.of(in.append(outputDim));
  }

  /** Checked against Keras under float16 and mixed_float16 policies (see {@link org.kerasbridge.layers.DTypePolicy}). */
  @Override
  protected boolean supportsPolicy(org.kerasbridge.layers.DTypePolicy policy) {
    return true;
  }
}
