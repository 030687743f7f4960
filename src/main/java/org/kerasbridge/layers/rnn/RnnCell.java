package org.kerasbridge.layers.rnn;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.kerasbridge.layers.CallContext;
import org.kerasbridge.layers.Layer;
import org.kerasbridge.layers.LayerConfig;
import org.kerasbridge.layers.Weight;
import org.kerasbridge.regularizers.Regularizer;
import org.kerasbridge.regularizers.Regularizers;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.random.RandomUniform;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TType;

/**
 * One time step of a recurrent layer, as Keras 3 splits it from the loop ({@code SimpleRNNCell},
 * {@code LSTMCell}, {@code GRUCell}). The cell owns the weights ({@code kernel},
 * {@code recurrent_kernel}, {@code bias}, at paths {@code <rnn>/<cell name>/kernel}); the loop
 * ({@link BaseRnn}) owns time, masks and state.
 *
 * <p>A cell is never called as a layer: its RNN builds it ({@link #buildCell}) and, once per
 * call, asks it for a {@link StepFunction} with {@link #begin}, which slices the weights and draws
 * the dropout masks that Keras keeps for every step of one call.
 *
 * <p>When the cell belongs to an {@code LSTM}/{@code GRU}/{@code SimpleRNN} layer it reads its
 * arguments from that layer's config (one config, one list of unread keys); inside a generic
 * {@code RNN} it has a config of its own.
 */
public abstract class RnnCell extends Layer {
  private final String cellName;
  protected final int units;
  /** Keras clips both rates to [0, 1]. */
  protected final double dropout;
  protected final double recurrentDropout;
  protected final JsonNode kernelInitializer;
  protected final JsonNode recurrentInitializer;
  protected final JsonNode biasInitializer;
  private final Regularizer kernelRegularizer;
  private final Regularizer recurrentRegularizer;
  private final Regularizer biasRegularizer;
  protected Weight kernel;
  protected Weight recurrentKernel;
  protected Weight bias;

  /** The output of one step: the step's output and the new states, in Keras's state order. */
  public record StepResult(Operand<TFloat32> output, List<Operand<TFloat32>> states) {}

  /**
   * One step {@code (x_t (batch, features), states_{t-1}) -> (output_t, states_t)}; or, when
   * {@link #projection()} is not null, {@code (projection(x_t), states_{t-1}) -> ...}.
   */
  @FunctionalInterface
  public interface StepFunction {
    StepResult step(Ops tf, Operand<TFloat32> x, List<Operand<TFloat32>> states);

    /**
     * The part of a step that reads the step's input alone ({@code x_t . kernel}, with the input
     * bias where Keras adds it next), row by row: {@code (rows, features) -> (rows, n)}. The loop
     * computes it for all timesteps in one product and gives {@link #step} row block t. Null when
     * {@link #step} takes {@code x_t} itself.
     */
    default InputProjection projection() {
      return null;
    }
  }

  /** A row-wise map {@code (rows, features) -> (rows, n)}; see {@link StepFunction#projection}. */
  @FunctionalInterface
  public interface InputProjection {
    Operand<TFloat32> apply(Ops tf, Operand<TFloat32> rows);
  }

  /**
   * A step whose input is {@code projection(x_t)}. Each row of a matrix product depends on that
   * row only, so one product over all timesteps' rows gives every step its own product (Keras
   * computes one per step) in exact arithmetic; in float32 the sums may round differently with
   * the matrix kernel's blocking, within the parity suites' tolerances (they pass unchanged). The
   * graph holds one MatMul (and one pair in the gradient) where it held one per timestep.
   */
  static StepFunction projected(InputProjection projection, StepFunction step) {
    return new StepFunction() {
      @Override
      public StepResult step(Ops tf, Operand<TFloat32> x, List<Operand<TFloat32>> states) {
        return step.step(tf, x, states);
      }

      @Override
      public InputProjection projection() {
        return projection;
      }
    };
  }

  /**
   * Whether a step may take its input projected for all timesteps at once: in float32 only.
   * Half-precision loops keep one product per step, as before: their float16 results follow the
   * per-step graph that Grappler fuses as it does Keras's (hoisted, the float16 LSTMs over 500
   * steps of models/corpus c024 and c025 moved 1.5e-5 and 2.3e-5 from Keras).
   */
  static boolean projectable(Operand<TFloat32> x0) {
    return !org.kerasbridge.layers.DTypePolicy.isHalf(x0.type());
  }

  /** {@code rows . kernel}, plus {@code bias} when not null. */
  static InputProjection product(Operand<TFloat32> kernel, Operand<TFloat32> bias) {
    return (s, rows) -> {
      Operand<TFloat32> p = s.linalg.matMul(rows, kernel);
      return bias == null ? p : s.math.add(p, bias);
    };
  }

  /**
   * @param cellName the Keras name of the cell ({@code lstm_cell}), the path segment of its
   *     weights
   */
  protected RnnCell(LayerConfig c, String cellName) {
    // dtype is checked by the owning RNN layer (or below for a standalone cell config)
    super(c, false);
    this.cellName = cellName;
    units = c.requirePositiveInt("units");
    if (units <= 0) {
      c.unsupported("units", c.raw().get("units"), "a positive whole number");
    }
    dropout = clip(c.getDouble("dropout", 0.0));
    recurrentDropout = clip(c.getDouble("recurrent_dropout", 0.0));
    kernelInitializer = c.node("kernel_initializer");
    recurrentInitializer = c.node("recurrent_initializer");
    biasInitializer = c.node("bias_initializer");
    kernelRegularizer = Regularizers.fromConfig(c, "kernel_regularizer");
    recurrentRegularizer = Regularizers.fromConfig(c, "recurrent_regularizer");
    biasRegularizer = Regularizers.fromConfig(c, "bias_regularizer");
    // Constraints act only after optimizer steps; the training loop reads them from the config.
    c.ignore("kernel_constraint", "recurrent_constraint", "bias_constraint");
    // The seed only seeds the dropout masks, whose random stream cannot match Keras's anyway.
    c.ignore("seed");
  }

  /**
   * A cell made of other cells ({@code StackedRNNCells}): no weights or arguments of its own;
   * {@code units} is its output size.
   */
  protected RnnCell(LayerConfig c, String cellName, int units) {
    super(c, false);
    this.cellName = cellName;
    this.units = units;
    dropout = 0.0;
    recurrentDropout = 0.0;
    kernelInitializer = null;
    recurrentInitializer = null;
    biasInitializer = null;
    kernelRegularizer = null;
    recurrentRegularizer = null;
    biasRegularizer = null;
  }

  private static double clip(double rate) {
    return Math.min(1.0, Math.max(0.0, rate));
  }

  /** The path segment of the cell's weights, e.g. {@code lstm_cell}. */
  public String cellName() {
    return cellName;
  }

  public int units() {
    return units;
  }

  /** The sizes of the states, in Keras's order ({@code [units]}, or {@code [units, units]}). */
  public abstract int[] stateSizes();

  /** Declares the weights for step inputs of {@code inputDim} features, in Keras's order. */
  abstract void buildCell(long inputDim);

  /**
   * Prepares one call: weight slices, and in a training graph the dropout masks Keras draws once
   * per call and reuses at every step. {@code x0} is a step input {@code (batch, features)} and
   * {@code h0} the first state {@code (batch, units)}, the shapes the masks take.
   */
  abstract StepFunction begin(Ops tf, Operand<TFloat32> x0, Operand<TFloat32> h0,
      CallContext ctx);

  /** Declares a weight (the cell's path prefix is set by its RNN before this is called). */
  protected final Weight weight(String name, long[] shape, JsonNode initializer) {
    return addWeight(name, shape, true, initializer);
  }

  /**
   * {@code count} inverted-dropout masks shaped like {@code like}, as Keras's
   * {@code DropoutRNNCell} draws them: each entry is {@code 1 / (1 - rate)} with probability
   * {@code 1 - rate}, else 0 (all zeros for rate 1). The random stream differs from Keras's.
   */
  protected static List<Operand<TFloat32>> dropoutMasks(Ops tf, Operand<TFloat32> like,
      double rate, int count, CallContext ctx) {
    List<Operand<TFloat32>> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      if (rate >= 1.0) {
        out.add(tf.zerosLike(like));
        continue;
      }
      long seed = ctx.nextSeed();
      Operand<TFloat32> u = tf.random.randomUniform(tf.shape(like), TFloat32.class,
          RandomUniform.seed(seed >>> 32).seed2(seed & 0xffffffffL));
      Operand<TFloat32> keep = org.kerasbridge.layers.DTypePolicy.cast(tf,
          tf.math.greaterEqual(u, tf.constant((float) rate)), like.type());
      out.add(tf.math.mul(keep,
          org.kerasbridge.layers.DTypePolicy.constant(tf, 1.0 / (1.0 - rate), like)));
    }
    return out;
  }

  /**
   * Columns {@code [from, from + n)} of a 2-D value (all rows). Offsets are int32: the C++
   * gradient of Slice mixes them with an int32 shape.
   */
  protected static Operand<TFloat32> columns(Ops tf, Operand<TFloat32> w, long from, long n) {
    return tf.slice(w, tf.constant(new int[] {0, Math.toIntExact(from)}),
        tf.constant(new int[] {-1, Math.toIntExact(n)}));
  }

  /** Entries {@code [from, from + n)} of a 1-D value. */
  protected static Operand<TFloat32> range(Ops tf, Operand<TFloat32> b, long from, long n) {
    return tf.slice(b, tf.constant(new int[] {Math.toIntExact(from)}),
        tf.constant(new int[] {Math.toIntExact(n)}));
  }

  @Override
  public List<RegularizedWeight> regularizedWeights() {
    List<RegularizedWeight> out = new ArrayList<>();
    if (kernelRegularizer != null && kernel != null) {
      out.add(new RegularizedWeight(kernel, kernelRegularizer));
    }
    if (recurrentRegularizer != null && recurrentKernel != null) {
      out.add(new RegularizedWeight(recurrentKernel, recurrentRegularizer));
    }
    if (biasRegularizer != null && bias != null) {
      out.add(new RegularizedWeight(bias, biasRegularizer));
    }
    return out;
  }

  @Override
  protected final List<Operand<TFloat32>> call(Ops tf, List<Operand<? extends TType>> inputs,
      CallContext ctx) {
    throw new UnsupportedOperationException(cellName + " is stepped by its RNN layer");
  }

  @Override
  public final List<org.tensorflow.ndarray.Shape> computeOutputShape(
      List<org.tensorflow.ndarray.Shape> inputShapes) {
    throw new UnsupportedOperationException(cellName + " is stepped by its RNN layer");
  }
}
