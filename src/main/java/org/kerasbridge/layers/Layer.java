package org.kerasbridge.layers;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.kerasbridge.KerasBridgeException;
import org.kerasbridge.regularizers.Regularizer;
import org.kerasbridge.regularizers.Regularizers;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TType;

/**
 * A Keras layer on TF Java ops. As in Keras 3: the constructor reads the config, {@link
 * #build(List)} declares named weights once the input shapes are known, and {@link #call} is a few
 * ops. Values between layers are floating tensors of the producing layer's compute dtype: float32
 * under the default policy, float16/bfloat16 under a half-precision {@link DTypePolicy}. The
 * {@code Operand<TFloat32>} in the signatures below means "a floating operand of this layer's
 * compute dtype" (TF Java checks the element type only at run time; under a half policy the
 * operands really are float16 or bfloat16, and a float32 constant mixed into them fails to build
 * instead of silently computing in float32). A layer that takes integer ids (Embedding) overrides
 * {@link #acceptsAnyDtype()}.
 *
 * <p>Weights are declared in Keras's {@code layer.weights} order, which is the order files store
 * them in: trainable ones first, then non-trainable, each in creation order.
 */
public abstract class Layer {
  protected final LayerConfig config;
  private final String name;
  private boolean trainable;
  private final List<Weight> trainableWeights = new ArrayList<>();
  private final List<Weight> nonTrainableWeights = new ArrayList<>();
  private final Regularizer activityRegularizer;
  private boolean built;
  private String pathPrefix;
  private final DTypePolicy policy;

  protected Layer(LayerConfig config) {
    this(config, true);
  }

  /**
   * @param float32Only whether a {@code dtype} other than float32 is reported as unsupported
   *     (false only for layers that take other dtypes: InputLayer, Embedding)
   */
  protected Layer(LayerConfig config, boolean float32Only) {
    this.config = config;
    this.name = config.name();
    this.trainable = config.getBoolean("trainable", true);
    this.pathPrefix = name;
    JsonNode dtype = config.node("dtype");
    DTypePolicy p = DTypePolicy.FLOAT32;
    if (dtype != null) {
      String d = dtype.isTextual() ? dtype.asText()
          : dtype.path("config").path("name").asText(dtype.path("name").asText(""));
      DTypePolicy parsed = d.isEmpty() ? DTypePolicy.FLOAT32 : DTypePolicy.of(d);
      if (parsed != null && (parsed.isFloat32() || supportsPolicy(parsed))) {
        p = parsed;
      } else if (float32Only) {
        config.unsupported("dtype", dtype, parsed == null
            ? "float32, float16, bfloat16, mixed_float16 or mixed_bfloat16 (other dtype policies"
                + " are not supported)"
            : "float32 (the " + d + " dtype policy is not supported for " + className()
                + " layers: their half-precision semantics are not implemented)");
      } else if (parsed != null) {
        p = parsed; // checked by the owner (an RNN cell by its RNN layer)
      }
    }
    this.policy = p;
    this.activityRegularizer = Regularizers.fromConfig(config, "activity_regularizer");
  }

  /**
   * Whether this layer implements Keras's semantics of a policy other than float32 ({@code
   * float16}, {@code mixed_float16}, ...): false unless the layer's half-precision path was
   * checked against Keras. Called from the constructor: answer from the class alone.
   */
  protected boolean supportsPolicy(DTypePolicy policy) {
    return false;
  }

  /**
   * Whether a Functional node may pass this layer constants (numbers, strings) among its
   * positional arguments: only Keras ops ({@code x + 3.0}) take them; a layer given one is
   * reported rather than called without it.
   */
  public boolean takesConstantArguments() {
    return false;
  }

  /** The layer's dtype policy (float32 unless the config gives another). */
  public final DTypePolicy policy() {
    return policy;
  }

  /**
   * Keras's {@code layer.autocast}: whether floating inputs are cast to the compute dtype before
   * {@link #call} (and weights read in it). LayerNormalization and Embedding set it to false.
   */
  protected boolean autocast() {
    return true;
  }

  /**
   * Whether {@link #apply} converts inputs by this layer's policy. A Functional model does not
   * (Keras's {@code Functional._convert_input_args = False}): its layers convert their own.
   */
  protected boolean convertsInputs() {
    return true;
  }

  public final String name() {
    return name;
  }

  /** The Keras class name, e.g. {@code Dense}. */
  public final String className() {
    return config.className();
  }

  public LayerConfig config() {
    return config;
  }

  public boolean trainable() {
    return trainable;
  }

  public void setTrainable(boolean trainable) {
    this.trainable = trainable;
  }

  /**
   * The prefix of this layer's variable paths: its name, or the wrapper's path plus a segment
   * for a layer inside Bidirectional or TimeDistributed. Set before build.
   */
  public final void setPathPrefix(String prefix) {
    if (built) {
      throw new KerasBridgeException(name + ": path prefix set after build");
    }
    this.pathPrefix = prefix;
  }

  public final String pathPrefix() {
    return pathPrefix;
  }

  /** Called once, before the first call, with the static input shapes (-1 for unknown). */
  protected void build(List<Shape> inputShapes) {}

  /**
   * Keras's {@code compute_output_shape}: the static shape of each output for these static input
   * shapes, -1 where Keras has {@code None} (an unknown rank where Keras cannot say more). This is
   * part of the layer contract: {@link #apply} gives every output at least these static
   * dimensions, so an op whose output shape TensorFlow computes at run time (a reshape to a
   * computed size, tile, resize) never hides a dimension that Keras knows from the next layer.
   */
  public abstract List<Shape> computeOutputShape(List<Shape> inputShapes);

  /** The layer's computation. {@code inputs} are float32 unless {@link #acceptsAnyDtype()}. */
  protected abstract List<Operand<TFloat32>> call(Ops tf, List<Operand<? extends TType>> inputs,
      CallContext ctx);

  /** Checks the inputs' dtypes as they arrive, before any cast; the default takes any. */
  protected void checkInputTypes(List<Operand<? extends TType>> inputs) {}

  /** True for layers that take integer ids as they come (Embedding). */
  protected boolean acceptsAnyDtype() {
    return false;
  }

  /** True when the layer passes its input's mask through unchanged (Keras supports_masking). */
  protected boolean supportsMasking() {
    return false;
  }

  /**
   * The masks of the outputs. Default: with {@link #supportsMasking()} the first input's mask,
   * else none (Keras 3 drops masks at layers that do not support them).
   */
  public List<Operand<TBool>> computeMask(Ops tf, List<Operand<? extends TType>> inputs,
      List<Operand<TBool>> masks, int outputCount) {
    List<Operand<TBool>> out = new ArrayList<>();
    Operand<TBool> m = supportsMasking() && !masks.isEmpty() ? masks.get(0) : null;
    for (int i = 0; i < outputCount; i++) {
      out.add(m);
    }
    return out;
  }

  /**
   * Builds if needed, calls, and adds the activity regularization loss. The model calls this;
   * layers call it on layers they wrap.
   */
  @SuppressWarnings("unchecked")
  public final List<Operand<TFloat32>> apply(Ops tf, List<Operand<? extends TType>> inputs,
      CallContext ctx) {
    checkInputTypes(inputs);
    List<Operand<? extends TType>> in = new ArrayList<>();
    Class<? extends TType> compute = convertsInputs() ? policy.computeType() : TFloat32.class;
    for (Operand<? extends TType> x : inputs) {
      if (acceptsAnyDtype()) {
        in.add(x);
      } else if (DTypePolicy.isFloating(x.type())) {
        // Keras's DTypePolicy.convert_input: floats to the compute dtype when autocasting; a
        // layer that does not autocast takes float16/bfloat16/float32 as they come
        boolean keep = !autocast() && x.type() != org.tensorflow.types.TFloat64.class;
        in.add(keep ? x : DTypePolicy.cast(tf, x, compute));
      } else {
        in.add(DTypePolicy.cast(tf, x, compute));
      }
    }
    List<Shape> shapes = new ArrayList<>();
    for (Operand<?> x : in) {
      shapes.add(x.shape());
    }
    if (!built) {
      try {
        build(shapes);
      } catch (IndexOutOfBoundsException e) {
        // a build() reading a dimension the input does not have: a rank the file got wrong
        throw new org.kerasbridge.ShapeMismatchException(config.problems().source() + ": "
            + config.where() + ": input shape(s) " + shapes
            + " have too few dimensions for this layer", e);
      } catch (ArithmeticException e) {
        throw new org.kerasbridge.InvalidInputException(config.problems().source() + ": "
            + config.where() + ": input shape(s) " + shapes + " with this layer's arguments give"
            + " a size over TensorFlow's limits (" + e.getMessage() + ")", e);
      }
      built = true;
      bindOwnWeights(ctx);
    }
    List<Operand<TFloat32>> called;
    List<Operand<TFloat32>> out;
    try {
      called = call(tf, in, ctx);
      out = Shapes.withStaticShapes(tf, this, called, computeOutputShape(shapes));
    } catch (IndexOutOfBoundsException e) {
      // a call() reading an input or argument the file's node does not supply
      throw new org.kerasbridge.ShapeMismatchException(config.problems().source() + ": "
          + config.where() + ": called with " + in.size() + " input(s) of shape(s) " + shapes
          + ", fewer inputs, arguments or dimensions than it needs", e);
    } catch (ArithmeticException e) {
      // a size computed from the file's shapes and arguments past TensorFlow's int32 dimensions
      throw new org.kerasbridge.InvalidInputException(config.problems().source() + ": "
          + config.where() + ": input shape(s) " + shapes + " with this layer's arguments give"
          + " a dimension over " + Integer.MAX_VALUE + " (" + e.getMessage() + ")", e);
    }
    if (activityRegularizer != null) {
      for (Operand<TFloat32> y : out) {
        // the loss is float32 whatever the output's dtype (Keras's losses compute in float32)
        ctx.addLoss(activityRegularizer.activityLoss(tf, DTypePolicy.cast(tf, y, TFloat32.class)));
      }
    }
    return out;
  }

  private void bindOwnWeights(CallContext ctx) {
    List<Weight> own = new ArrayList<>(trainableWeights);
    own.addAll(nonTrainableWeights);
    for (Weight w : own) {
      if (!w.isBound()) {
        w.bind(ctx.runtime().createUniqueVariable(w.path(), w.shape()), ctx.runtime());
      }
    }
  }

  public final boolean isBuilt() {
    return built;
  }

  /** Declares a weight; call from {@link #build}. Its path is {@code pathPrefix()/name}. */
  protected final Weight addWeight(String weightName, long[] shape, boolean trainableWeight,
      JsonNode initializer) {
    return addWeight(weightName, shape, trainableWeight, initializer, true);
  }

  /**
   * As {@link #addWeight(String, long[], boolean, JsonNode)}; {@code autocast} is Keras's {@code
   * add_weight(autocast=...)}: true reads the weight in the compute dtype, false in the variable
   * dtype (BatchNormalization's statistics, LayerNormalization's gamma and beta).
   */
  protected final Weight addWeight(String weightName, long[] shape, boolean trainableWeight,
      JsonNode initializer, boolean autocast) {
    Weight w = new Weight(weightName, pathPrefix + "/" + weightName, shape, trainableWeight,
        initializer, policy.variableType(), autocast ? policy.computeType()
            : policy.variableType());
    (trainableWeight ? trainableWeights : nonTrainableWeights).add(w);
    return w;
  }

  /** All weights in Keras's order: trainable, then non-trainable. Wrappers override. */
  public List<Weight> weights() {
    List<Weight> all = new ArrayList<>(trainableWeights);
    all.addAll(nonTrainableWeights);
    return all;
  }

  /** Weights the optimizer updates: none when the layer is frozen. */
  public List<Weight> trainableWeights() {
    if (!trainable) {
      return List.of();
    }
    List<Weight> out = new ArrayList<>();
    for (Weight w : weights()) {
      if (w.trainable()) {
        out.add(w);
      }
    }
    return out;
  }

  /** Weights regularized during training: (weight, regularizer) pairs. Layers override. */
  public List<RegularizedWeight> regularizedWeights() {
    return List.of();
  }

  /** A weight with the regularizer Keras applies to it ({@code kernel_regularizer}, ...). */
  public record RegularizedWeight(Weight weight, Regularizer regularizer) {
    /**
     * The pairs among {@code (weight, regularizer, weight, regularizer, ...)} where both are
     * set (a layer without bias, or without a bias regularizer, contributes nothing).
     */
    public static List<RegularizedWeight> present(Object... weightRegularizerPairs) {
      List<RegularizedWeight> out = new ArrayList<>();
      for (int i = 0; i + 1 < weightRegularizerPairs.length; i += 2) {
        if (weightRegularizerPairs[i] instanceof Weight w
            && weightRegularizerPairs[i + 1] instanceof Regularizer r) {
          out.add(new RegularizedWeight(w, r));
        }
      }
      return out;
    }
  }

  /** Total number of scalars in this layer's weights, as Keras's summary counts them. */
  public long paramCount() {
    long n = 0;
    for (Weight w : weights()) {
      n += w.size();
    }
    return n;
  }

  @Override
  public String toString() {
    return className() + "('" + name + "')";
  }
}
