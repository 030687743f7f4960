package org.kerasbridge.layers.rnn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.kerasbridge.KerasBridgeException;
import org.kerasbridge.ShapeMismatchException;
import org.kerasbridge.graph.GraphRuntime;
import org.kerasbridge.layers.CallContext;
import org.kerasbridge.layers.Layer;
import org.kerasbridge.layers.LayerConfig;
import org.kerasbridge.layers.Shapes;
import org.kerasbridge.layers.StatefulLayer;
import org.kerasbridge.layers.Weight;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Stack;
import org.tensorflow.op.core.Unstack;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TType;

/**
 * The time loop shared by the recurrent layers (Keras 3's {@code RNN} with the TensorFlow
 * backend's {@code rnn()}): input {@code (batch, timesteps, features)}, a {@link RnnCell} stepped
 * over the timesteps, output {@code (batch, units)} or with {@code return_sequences} {@code
 * (batch, timesteps, units)}, followed with {@code return_state} by the final states ({@code h},
 * and {@code c} for LSTM), each {@code (batch, units)}.
 *
 * <p>The loop is unrolled in the graph over the static number of timesteps (a model is traced
 * once per concrete input shape); the values are those of Keras's {@code while_loop}, and
 * {@code unroll} is accepted either way. Semantics reproduced from Keras:
 *
 * <ul>
 *   <li>{@code go_backwards}: the steps run from the last timestep to the first and the output
 *       sequence is returned in that processing order (not reversed back); the last output is
 *       that of timestep 0.
 *   <li>mask {@code (batch, timesteps)} (from Embedding(mask_zero) or Masking): at a masked step
 *       the states keep their previous values and the output repeats the previous step's output
 *       (zeros before the first step), or is zero when {@code zero_output_for_mask} (which
 *       Bidirectional forces on when it returns sequences). The mask is reversed with the inputs
 *       under {@code go_backwards}. With {@code unroll=True}, {@code zero_output_for_mask} and
 *       {@code go_backwards}, Keras zeroes the sequence with the unreversed mask; that is
 *       reproduced too. The output mask is the input mask with {@code return_sequences}, else
 *       none.
 *   <li>{@code stateful}: the states live in graph variables ({@code batch} fixed by the input
 *       shape), start at zero, are updated by every call and reset by {@code resetStates()}.
 *   <li>dropout / recurrent_dropout: identity at inference; in a training graph the cell applies
 *       per-call masks as Keras does (with a different random stream).
 * </ul>
 */
public abstract class BaseRnn extends Layer implements StatefulLayer, InitialStates {
  protected final RnnCell cell;
  private final boolean returnSequences;
  private final boolean returnState;
  private final boolean goBackwards;
  private final boolean stateful;
  private final boolean unroll;

  /** Most timesteps a loop is unrolled over (far beyond the sequence lengths of real models). */
  public static final long MAX_STEPS = 10_000;
  private boolean zeroOutputForMask;
  private List<GraphRuntime.Var> stateVars;
  private List<Op> resetOps = List.of();

  /**
   * Reads the loop's arguments; {@code cell} has read its own from the same (or its own) config.
   * Calls {@link LayerConfig#finish()}.
   */
  protected BaseRnn(LayerConfig c, RnnCell cell) {
    super(c);
    this.cell = cell;
    returnSequences = c.getBoolean("return_sequences", false);
    returnState = c.getBoolean("return_state", false);
    goBackwards = c.getBoolean("go_backwards", false);
    stateful = c.getBoolean("stateful", false);
    unroll = c.getBoolean("unroll", false);
    zeroOutputForMask = c.getBoolean("zero_output_for_mask", false);
    // Keras 2 only; Keras 3 has batch-major inputs only.
    c.requireNeutral("time_major", false);
    // Keras 3 picks cuDNN on GPU only; on CPU, the reference, the generic loop runs.
    c.ignore("use_cudnn");
    c.finish();
  }

  public RnnCell cell() {
    return cell;
  }

  public boolean returnSequences() {
    return returnSequences;
  }

  public boolean returnState() {
    return returnState;
  }

  public boolean goBackwards() {
    return goBackwards;
  }

  public boolean stateful() {
    return stateful;
  }

  public boolean zeroOutputForMask() {
    return zeroOutputForMask;
  }

  /** Bidirectional sets this to {@code return_sequences}, as Keras's wrapper does. */
  void setZeroOutputForMask(boolean zero) {
    this.zeroOutputForMask = zero;
  }

  @Override
  public int stateCount() {
    return cell.stateSizes().length;
  }

  /** How many tensors a call returns: the output, then the states with return_state. */
  public int outputCount() {
    return 1 + (returnState ? cell.stateSizes().length : 0);
  }

  @Override
  protected void build(List<Shape> inputShapes) {
    int[] sizes = cell.stateSizes();
    if (inputShapes.size() != 1 && inputShapes.size() != 1 + sizes.length) {
      throw new KerasBridgeException(config.where() + " takes the sequence and optionally its "
          + sizes.length + " initial state(s), got " + inputShapes.size() + " inputs");
    }
    for (int i = 1; i < inputShapes.size(); i++) {
      Shape st = inputShapes.get(i);
      if (st.isUnknown() || st.numDimensions() != 2
          || st.size(1) >= 0 && st.size(1) != sizes[i - 1]) {
        throw new ShapeMismatchException(config.where() + ": initial state " + (i - 1)
            + " must have shape (batch, " + sizes[i - 1] + "), got " + Shapes.keras(st));
      }
    }
    Shape s = inputShapes.get(0);
    if (s.numDimensions() != 3 || s.size(2) < 0) {
      throw new ShapeMismatchException(config.where() + " expects an input of shape (batch,"
          + " timesteps, features) with known features, got " + Shapes.keras(s));
    }
    cell.setPathPrefix(pathPrefix() + "/" + cell.cellName());
    cell.buildCell(s.size(2));
  }

  @Override
  public List<Weight> weights() {
    return cell.weights();
  }

  @Override
  public List<RegularizedWeight> regularizedWeights() {
    return cell.regularizedWeights();
  }

  @Override
  protected boolean supportsMasking() {
    return true;
  }

  @Override
  public List<Operand<TBool>> computeMask(Ops tf, List<Operand<? extends TType>> inputs,
      List<Operand<TBool>> masks, int outputCount) {
    List<Operand<TBool>> out = new ArrayList<>();
    out.add(returnSequences && !masks.isEmpty() ? masks.get(0) : null);
    while (out.size() < outputCount) {
      out.add(null);
    }
    return out;
  }

  @Override
  @SuppressWarnings("unchecked")
  protected List<Operand<TFloat32>> call(Ops tf, List<Operand<? extends TType>> inputs,
      CallContext ctx) {
    for (Weight w : cell.weights()) {
      if (!w.isBound()) {
        w.bind(ctx.runtime().createUniqueVariable(w.path(), w.shape()), ctx.runtime());
      }
    }
    Operand<TFloat32> x = (Operand<TFloat32>) inputs.get(0);
    long steps = x.shape().size(1);
    if (steps < 0) {
      throw new KerasBridgeException(config.where() + ": the number of timesteps is unknown"
          + " when the graph is built (input shape " + Shapes.keras(x.shape()) + "); the loop"
          + " is unrolled over a static number of steps, so give the input a fixed length");
    }
    if (steps == 0) {
      throw new ShapeMismatchException(config.where() + ": the input has no timesteps");
    }
    if (steps > MAX_STEPS) {
      // each step adds tens of graph ops: a file declaring 1e9 timesteps would build for hours
      throw new org.kerasbridge.UnsupportedFeatureException(config.problems().source() + ": "
          + config.where() + ": the input has " + steps + " timesteps; the loop is unrolled in"
          + " the graph, which supports at most " + MAX_STEPS + " steps");
    }
    int[] sizes = cell.stateSizes();
    List<Operand<TFloat32>> states;
    if (inputs.size() > 1) {
      // given initial states replace the zeros (and, when stateful, the carried states)
      states = new ArrayList<>();
      for (Operand<? extends TType> st : inputs.subList(1, inputs.size())) {
        states.add((Operand<TFloat32>) st);
      }
      if (stateful) {
        initialStates(tf, x, sizes, ctx);
      }
    } else {
      states = initialStates(tf, x, sizes, ctx);
    }
    List<Operand<TFloat32>> xs = new ArrayList<>();
    tf.unstack(x, steps, Unstack.axis(1L)).forEach(xs::add);
    // the first step's input only gives the dropout masks their shape
    RnnCell.StepFunction step = cell.begin(tf, xs.get(0), states.get(0), ctx);
    RnnCell.InputProjection projection = step.projection();
    if (projection != null) {
      xs = projectSteps(tf, x, steps, projection);
    }
    // with initial states, the sequence's mask (Keras 2's mask[0]; a Keras 3 call with
    // initial_state= gets none unless mask= was passed, see Functional)
    Operand<TBool> mask = ctx.mask(0);
    List<Operand<TBool>> ms = null;
    if (mask != null) {
      ms = new ArrayList<>();
      // (batch, 1): broadcasts against (batch, units) in select
      for (Operand<TBool> m : tf.unstack(mask, steps, Unstack.axis(1L))) {
        ms.add(tf.expandDims(m, tf.constant(-1)));
      }
    }
    if (goBackwards) {
      Collections.reverse(xs);
      if (ms != null) {
        Collections.reverse(ms);
      }
    }
    // Keras's unrolled loop zeroes after the loop; its while_loop zeroes at each step
    boolean zeroEachStep = zeroOutputForMask && ms != null && !unroll;
    boolean zeroAfter = zeroOutputForMask && ms != null && unroll;
    List<Operand<TFloat32>> outputs = new ArrayList<>();
    Operand<TFloat32> prevOutput = null;
    for (int t = 0; t < steps; t++) {
      RnnCell.StepResult r = step.step(tf, xs.get(t), states);
      Operand<TFloat32> out = r.output();
      List<Operand<TFloat32>> next = r.states();
      if (ms != null) {
        Operand<TBool> m = ms.get(t);
        Operand<TFloat32> fill = zeroEachStep || prevOutput == null ? tf.zerosLike(out)
            : prevOutput;
        out = tf.select(m, out, fill);
        List<Operand<TFloat32>> kept = new ArrayList<>();
        for (int i = 0; i < next.size(); i++) {
          kept.add(tf.select(m, next.get(i), states.get(i)));
        }
        next = kept;
      }
      outputs.add(out);
      prevOutput = out;
      states = next;
    }
    Operand<TFloat32> last = outputs.get(outputs.size() - 1);
    Operand<TFloat32> seq = null;
    if (returnSequences) {
      seq = tf.stack(outputs, Stack.axis(1L));
      if (zeroAfter) {
        // Keras's unrolled rnn(): outputs = where(mask, outputs, 0) with the mask in input order
        seq = tf.select(tf.expandDims(mask, tf.constant(-1)), seq, tf.zerosLike(seq));
      }
    }
    if (zeroAfter) {
      last = tf.select(ms.get(ms.size() - 1), last, tf.zerosLike(last));
    }
    if (stateful) {
      for (int i = 0; i < states.size(); i++) {
        ctx.addUpdate(tf.assign(stateVars.get(i).variable(), states.get(i)));
      }
    }
    List<Operand<TFloat32>> result = new ArrayList<>();
    result.add(returnSequences ? seq : last);
    if (returnState) {
      for (Operand<TFloat32> st : states) {
        // h is the output itself without return_sequences; a distinct tensor keeps fetches apart
        result.add(result.contains(st) ? tf.identity(st) : st);
      }
    }
    return result;
  }

  /**
   * The step inputs {@code projection(x_t)} for every timestep, from one projection of the
   * {@code (batch * steps, features)} rows: row {@code b * steps + t} is sample b's timestep t.
   */
  private static List<Operand<TFloat32>> projectSteps(Ops tf, Operand<TFloat32> x, long steps,
      RnnCell.InputProjection projection) {
    long features = x.shape().size(2);
    Operand<TFloat32> rows = tf.reshape(x, tf.constant(new long[] {-1, features}));
    Operand<TFloat32> p = projection.apply(tf, rows);
    long n = p.shape().size(1);
    if (n < 0) {
      throw new IllegalStateException("an input projection of unknown width: " + p.shape());
    }
    Operand<TFloat32> seq = tf.reshape(p, tf.constant(new long[] {-1, steps, n}));
    List<Operand<TFloat32>> out = new ArrayList<>();
    tf.unstack(seq, steps, Unstack.axis(1L)).forEach(out::add);
    return out;
  }

  private List<Operand<TFloat32>> initialStates(Ops tf, Operand<TFloat32> x, int[] sizes,
      CallContext ctx) {
    List<Operand<TFloat32>> states = new ArrayList<>();
    if (!stateful) {
      for (int size : sizes) {
        // cell.get_initial_state: zeros of the compute dtype
        states.add(tf.zeros(Shapes.batchAnd(tf, x, size), x.type()));
      }
      return states;
    }
    if (org.kerasbridge.layers.DTypePolicy.isHalf(x.type())) {
      throw new org.kerasbridge.UnsupportedFeatureException(config.problems().source() + ": "
          + config.where() + ": stateful=True with the " + policy() + " dtype policy is not"
          + " supported (the carried state would have to be kept in "
          + policy().computeDtype() + ")");
    }
    long batch = x.shape().size(0);
    if (batch < 0) {
      throw new KerasBridgeException(config.where() + ": stateful=True needs a fixed batch"
          + " size in the input shape (Input(batch_shape=...) / batch_input_shape), got "
          + Shapes.keras(x.shape()));
    }
    if (stateVars == null) {
      GraphRuntime rt = ctx.runtime();
      Ops root = rt.tf();
      List<GraphRuntime.Var> vars = new ArrayList<>();
      List<Op> resets = new ArrayList<>();
      for (int i = 0; i < sizes.length; i++) {
        GraphRuntime.Var v = rt.createUniqueVariable(pathPrefix() + "/rnn_state_" + i,
            new long[] {batch, sizes[i]});
        vars.add(v);
        Ops scope = GraphRuntime.scoped(root, v.path());
        resets.add(scope.withName("reset").assign(v.variable(),
            scope.zeros(scope.constant(new long[] {batch, sizes[i]}), TFloat32.class)));
      }
      stateVars = vars;
      resetOps = List.copyOf(resets);
    } else if (stateVars.get(0).shape()[0] != batch) {
      throw new ShapeMismatchException(config.where() + ": stateful with batch size "
          + stateVars.get(0).shape()[0] + ", called with batch size " + batch);
    }
    ctx.registerStateful(this);
    for (GraphRuntime.Var v : stateVars) {
      // A copy, not a read: in a training step the gradient ops also read the initial state,
      // and nothing orders them before the assign of the final state, which writes the
      // variable's buffer in place. (Found by training parity: step 2 of a stateful LSTM.)
      states.add(tf.snapshot(v.read()));
    }
    return states;
  }

  @Override
  public List<Op> resetOps() {
    return resetOps;
  }

  /**
   * Keras: {@code (batch, units)}, or {@code (batch, timesteps, units)} with return_sequences,
   * then with return_state one {@code (batch, state_size)} per state. Initial states passed as
   * extra inputs do not change the shapes.
   */
  @Override
  public List<Shape> computeOutputShape(List<Shape> inputShapes) {
    Shape in = inputShapes.get(0);
    long batch = in.isUnknown() ? -1 : in.size(0);
    long steps = in.isUnknown() || in.numDimensions() < 2 ? -1 : in.size(1);
    List<Shape> out = new ArrayList<>();
    out.add(returnSequences ? Shape.of(batch, steps, cell.units()) : Shape.of(batch, cell.units()));
    if (returnState) {
      for (int size : cell.stateSizes()) {
        out.add(Shape.of(batch, size));
      }
    }
    return out;
  }
}
