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
 * ops. Values between layers are float32 (KerasBridge supports the float32 policy only); a layer
 * that takes integer ids (Embedding) overrides {@link #acceptsAnyDtype()}.
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
    if (dtype != null && float32Only) {
      String d = dtype.isTextual() ? dtype.asText()
          : dtype.path("config").path("name").asText(dtype.path("name").asText(""));
      if (!d.equals("float32") && !d.isEmpty()) {
        config.unsupported("dtype", dtype, "float32 (other dtype policies are not supported)");
      }
    }
    this.activityRegularizer = Regularizers.fromConfig(config, "activity_regularizer");
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
    List<Operand<? extends TType>> in = new ArrayList<>();
    for (Operand<? extends TType> x : inputs) {
      if (!acceptsAnyDtype() && x.type() != TFloat32.class) {
        in.add(tf.dtypes.cast(x, TFloat32.class));
      } else {
        in.add(x);
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
      }
      built = true;
      bindOwnWeights(ctx);
    }
    List<Operand<TFloat32>> called;
    try {
      called = call(tf, in, ctx);
    } catch (IndexOutOfBoundsException e) {
      // a call() reading an input or argument the file's node does not supply
      throw new org.kerasbridge.ShapeMismatchException(config.problems().source() + ": "
          + config.where() + ": called with " + in.size() + " input(s) of shape(s) " + shapes
          + ", fewer inputs, arguments or dimensions than it needs", e);
    }
    List<Operand<TFloat32>> out = Shapes.withStaticShapes(tf, this, called,
        computeOutputShape(shapes));
    if (activityRegularizer != null) {
      for (Operand<TFloat32> y : out) {
        ctx.addLoss(activityRegularizer.activityLoss(tf, y));
      }
    }
    return out;
  }

  private void bindOwnWeights(CallContext ctx) {
    List<Weight> own = new ArrayList<>(trainableWeights);
    own.addAll(nonTrainableWeights);
    for (Weight w : own) {
      if (!w.isBound()) {
        w.bind(ctx.runtime().createUniqueVariable(w.path(), w.shape()));
      }
    }
  }

  public final boolean isBuilt() {
    return built;
  }

  /** Declares a weight; call from {@link #build}. Its path is {@code pathPrefix()/name}. */
  protected final Weight addWeight(String weightName, long[] shape, boolean trainableWeight,
      JsonNode initializer) {
    Weight w = new Weight(weightName, pathPrefix + "/" + weightName, shape, trainableWeight,
        initializer);
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
