package org.kerasbridge.layers.rnn;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.kerasbridge.KerasBridgeException;
import org.kerasbridge.ShapeMismatchException;
import org.kerasbridge.layers.CallContext;
import org.kerasbridge.layers.Layer;
import org.kerasbridge.layers.LayerConfig;
import org.kerasbridge.layers.LayerContext;
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
 * {@code TimeDistributed}: applies the wrapped layer to every timestep. Input {@code (batch,
 * timesteps, ...)}; the layer sees {@code (batch, ...)} and the outputs are stacked back to
 * {@code (batch, timesteps, ...)}. Keras 3.15 does exactly this with a static number of
 * timesteps (one call of the layer per step, same weights), rather than Keras 2's reshape to
 * {@code (batch * timesteps, ...)}; that matters for layers whose result depends on the batch
 * (BatchNormalization in training). A mask {@code (batch, timesteps)} is sliced per step for the
 * inner layer and passed on unchanged. Weights are the inner layer's, at {@code
 * time_distributed/dense/kernel}.
 *
 * <p>Keras calls the inner layer's {@code call()} directly, so the inner layer's
 * {@code activity_regularizer} never applies there; a file that sets one is reported rather than
 * computed differently.
 */
public final class TimeDistributed extends Layer implements StatefulLayer {
  private final Layer inner;

  public TimeDistributed(LayerConfig c, LayerContext ctx) {
    super(c);
    JsonNode node = c.node("layer");
    Layer l = null;
    if (node == null || !node.path("config").isObject()) {
      c.unsupported("its config has no 'layer' to wrap");
    } else {
      l = ctx.create(node);
      JsonNode reg = node.path("config").get("activity_regularizer");
      if (l != null && reg != null && !reg.isNull()) {
        c.unsupported("the wrapped layer '" + l.name() + "' has an activity_regularizer, which"
            + " Keras does not apply inside TimeDistributed (it calls the layer's call()"
            + " directly); remove it and save the model again");
      }
    }
    inner = l;
    c.finish();
  }

  public Layer layer() {
    return inner;
  }

  @Override
  protected void build(List<Shape> inputShapes) {
    if (inputShapes.size() != 1) {
      throw new KerasBridgeException(config.where() + " takes one input, got "
          + inputShapes.size());
    }
    Shape s = inputShapes.get(0);
    if (s.numDimensions() < 3) {
      throw new ShapeMismatchException(config.where() + " needs an input of rank 3 or more"
          + " (batch, timesteps, ...), got " + Shapes.keras(s));
    }
    inner.setPathPrefix(pathPrefix() + "/" + inner.name());
  }

  @Override
  @SuppressWarnings("unchecked")
  protected List<Operand<TFloat32>> call(Ops tf, List<Operand<? extends TType>> inputs,
      CallContext ctx) {
    Operand<TFloat32> x = (Operand<TFloat32>) inputs.get(0);
    long steps = x.shape().size(1);
    if (steps < 0) {
      throw new KerasBridgeException(config.where() + ": the number of timesteps is unknown"
          + " when the graph is built (input shape " + Shapes.keras(x.shape()) + "); give the"
          + " input a fixed length");
    }
    List<Operand<TFloat32>> xs = new ArrayList<>();
    tf.unstack(x, steps, Unstack.axis(1L)).forEach(xs::add);
    List<Operand<TBool>> outerMasks = ctx.masks();
    Operand<TBool> mask = ctx.mask(0);
    List<Operand<TBool>> ms = null;
    if (mask != null) {
      ms = new ArrayList<>();
      tf.unstack(mask, steps, Unstack.axis(1L)).forEach(ms::add);
    }
    List<Operand<TFloat32>> outs = new ArrayList<>();
    try {
      for (int t = 0; t < steps; t++) {
        ctx.setMasks(ms == null ? List.of() : java.util.Collections.singletonList(ms.get(t)));
        List<Operand<TFloat32>> y = inner.apply(tf.withSubScope("step_" + t),
            List.of(xs.get(t)), ctx);
        if (y.size() != 1) {
          throw new KerasBridgeException(config.where() + ": the wrapped layer returns "
              + y.size() + " tensors; TimeDistributed needs exactly one");
        }
        outs.add(y.get(0));
      }
    } finally {
      ctx.setMasks(outerMasks);
    }
    return List.of(tf.stack(outs, Stack.axis(1L)));
  }

  @Override
  protected boolean supportsMasking() {
    return true;
  }

  @Override
  public List<Weight> weights() {
    return inner == null ? List.of() : inner.weights();
  }

  @Override
  public List<Weight> trainableWeights() {
    return inner == null || !trainable() ? List.of() : inner.trainableWeights();
  }

  @Override
  public List<RegularizedWeight> regularizedWeights() {
    return inner == null ? List.of() : inner.regularizedWeights();
  }

  @Override
  public List<Op> resetOps() {
    return inner instanceof StatefulLayer s ? s.resetOps() : List.of();
  }

  /**
   * Keras: the inner layer's output shape for {@code (batch, *input_shape[2:])}, with the
   * timesteps put back at axis 1.
   */
  @Override
  public List<Shape> computeOutputShape(List<Shape> inputShapes) {
    Shape s = inputShapes.get(0);
    long[] all = s.asArray();
    long[] child = new long[all.length - 1];
    child[0] = all[0];
    System.arraycopy(all, 2, child, 1, all.length - 2);
    Shape y = inner.computeOutputShape(List.of(Shape.of(child))).get(0);
    if (y.isUnknown()) {
      return List.of(y);
    }
    long[] ya = y.asArray();
    long[] out = new long[ya.length + 1];
    out[0] = all[0];
    out[1] = all[1];
    System.arraycopy(ya, 1, out, 2, ya.length - 1);
    return List.of(Shape.of(out));
  }
}
