package org.kerasbridge.layers.rnn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.kerasbridge.activations.Activation;
import org.kerasbridge.activations.Activations;
import org.kerasbridge.layers.CallContext;
import org.kerasbridge.layers.LayerConfig;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * {@code LSTMCell}, gates in Keras's order i, f, c, o. kernel {@code (features, 4*units)},
 * recurrent_kernel {@code (units, 4*units)}, bias {@code (4*units,)}; states {@code [h, c]}.
 *
 * <pre>
 * z = x_t . kernel + h_{t-1} . recurrent_kernel + bias          (implementation 2, the default)
 * i = recurrent_activation(z_i)   f = recurrent_activation(z_f)
 * c_t = f * c_{t-1} + i * activation(z_c)
 * o = recurrent_activation(z_o)   h_t = o * activation(c_t)
 * </pre>
 *
 * With {@code implementation=1} (or any {@code recurrent_dropout}, which forces it, as in Keras)
 * each gate is computed on its own: {@code (x . kernel_g + bias_g) + h . recurrent_kernel_g}.
 * Both orders of summation are reproduced exactly. {@code recurrent_activation} is read with the
 * meaning of the Keras version that wrote the file ({@code hard_sigmoid} differs in Keras 2).
 *
 * <p>{@code unit_forget_bias} only changes the bias initializer: the bias weight gets the
 * initializer {@code {"class_name": "UnitForgetBias", "config": {"units": n, "initializer":
 * bias_initializer}}}, meaning Keras's {@code [init(units), ones(units), init(2*units)]}.
 */
public final class LSTMCell extends RnnCell {
  private final Activation activation;
  private final Activation recurrentActivation;
  private final boolean useBias;
  private final boolean unitForgetBias;
  private final int implementation;

  public LSTMCell(LayerConfig c, String cellName) {
    super(c, cellName);
    activation = Activations.fromConfig(c, "activation", "tanh");
    recurrentActivation = Activations.fromConfig(c, "recurrent_activation", "sigmoid");
    useBias = c.getBoolean("use_bias", true);
    unitForgetBias = c.getBoolean("unit_forget_bias", true);
    int impl = c.getInt("implementation", 2);
    implementation = recurrentDropout != 0.0 ? 1 : impl;
  }

  @Override
  public int[] stateSizes() {
    return new int[] {units, units};
  }

  @Override
  void buildCell(long inputDim) {
    kernel = weight("kernel", new long[] {inputDim, 4L * units}, kernelInitializer);
    recurrentKernel = weight("recurrent_kernel", new long[] {units, 4L * units},
        recurrentInitializer);
    if (useBias) {
      bias = weight("bias", new long[] {4L * units}, unitForgetBias
          ? unitForgetBiasInitializer(units, biasInitializer) : biasInitializer);
    }
  }

  static JsonNode unitForgetBiasInitializer(int units, JsonNode base) {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    n.put("class_name", "UnitForgetBias");
    ObjectNode cfg = n.putObject("config");
    cfg.put("units", units);
    cfg.set("initializer", base == null ? JsonNodeFactory.instance.textNode("zeros") : base);
    return n;
  }

  @Override
  StepFunction begin(Ops tf, Operand<TFloat32> x0, Operand<TFloat32> h0, CallContext ctx) {
    boolean train = ctx.training();
    Operand<TFloat32> k = kernel.value();
    Operand<TFloat32> rk = recurrentKernel.value();
    Operand<TFloat32> b = useBias ? bias.value() : null;
    if (implementation != 1) {
      Operand<TFloat32> dp = train && dropout > 0 && dropout < 1
          ? dropoutMasks(tf, x0, dropout, 1, ctx).get(0) : null;
      Operand<org.tensorflow.types.TInt32> axis = tf.constant(1);
      if (dp == null && projectable(x0)) {
        // x_t . kernel for all steps at once; z = (that + h . recurrent_kernel) + bias
        return projected(product(k, null), (s, xk, states) -> {
          Operand<TFloat32> z = s.math.add(xk, s.linalg.matMul(states.get(0), rk));
          if (b != null) {
            z = s.math.add(z, b);
          }
          List<Operand<TFloat32>> g = split4(s, axis, z);
          return carry(s, g.get(0), g.get(1), g.get(2), g.get(3), states.get(1));
        });
      }
      return (s, x, states) -> {
        Operand<TFloat32> in = dp == null ? x : s.math.mul(x, dp);
        Operand<TFloat32> z = s.math.add(s.linalg.matMul(in, k),
            s.linalg.matMul(states.get(0), rk));
        if (b != null) {
          z = s.math.add(z, b);
        }
        List<Operand<TFloat32>> g = split4(s, axis, z);
        return carry(s, g.get(0), g.get(1), g.get(2), g.get(3), states.get(1));
      };
    }
    List<Operand<TFloat32>> dp = train && dropout > 0 && dropout < 1
        ? dropoutMasks(tf, x0, dropout, 4, ctx) : null;
    List<Operand<TFloat32>> recDp = train && recurrentDropout > 0 && recurrentDropout < 1
        ? dropoutMasks(tf, h0, recurrentDropout, 4, ctx) : null;
    Operand<TFloat32>[] rg = gates(tf, rk);
    if (dp == null && projectable(x0)) {
      // x_g = x_t . kernel_g + bias_g for all steps and gates at once (the gates' kernels and
      // biases are column blocks of kernel and bias); then x_g + h_g . recurrent_kernel_g
      Operand<org.tensorflow.types.TInt32> axis = tf.constant(1);
      return projected(product(k, b), (s, xkb, states) -> {
        Operand<TFloat32> h = states.get(0);
        List<Operand<TFloat32>> xg = split4(s, axis, xkb);
        Operand<TFloat32>[] pre = newArray();
        for (int g = 0; g < 4; g++) {
          Operand<TFloat32> hg = recDp == null ? h : s.math.mul(h, recDp.get(g));
          pre[g] = s.math.add(xg.get(g), s.linalg.matMul(hg, rg[g]));
        }
        return carry(s, pre[0], pre[1], pre[2], pre[3], states.get(1));
      });
    }
    Operand<TFloat32>[] kg = gates(tf, k);
    Operand<TFloat32>[] bg = b == null ? null : biasGates(tf, b);
    return (s, x, states) -> {
      Operand<TFloat32> h = states.get(0);
      Operand<TFloat32>[] pre = newArray();
      for (int g = 0; g < 4; g++) {
        Operand<TFloat32> in = dp == null ? x : s.math.mul(x, dp.get(g));
        Operand<TFloat32> xg = s.linalg.matMul(in, kg[g]);
        if (bg != null) {
          xg = s.math.add(xg, bg[g]);
        }
        Operand<TFloat32> hg = recDp == null ? h : s.math.mul(h, recDp.get(g));
        pre[g] = s.math.add(xg, s.linalg.matMul(hg, rg[g]));
      }
      return carry(s, pre[0], pre[1], pre[2], pre[3], states.get(1));
    };
  }

  private StepResult carry(Ops s, Operand<TFloat32> zi, Operand<TFloat32> zf,
      Operand<TFloat32> zc, Operand<TFloat32> zo, Operand<TFloat32> cPrev) {
    Operand<TFloat32> i = recurrentActivation.apply(s, zi);
    Operand<TFloat32> f = recurrentActivation.apply(s, zf);
    Operand<TFloat32> c = s.math.add(s.math.mul(f, cPrev), s.math.mul(i, activation.apply(s, zc)));
    Operand<TFloat32> o = recurrentActivation.apply(s, zo);
    Operand<TFloat32> h = s.math.mul(o, activation.apply(s, c));
    return new StepResult(h, List.of(h, c));
  }

  private static List<Operand<TFloat32>> split4(Ops s, Operand<org.tensorflow.types.TInt32> axis,
      Operand<TFloat32> z) {
    List<Operand<TFloat32>> out = new java.util.ArrayList<>();
    s.split(axis, z, 4L).forEach(out::add);
    return out;
  }

  private Operand<TFloat32>[] gates(Ops tf, Operand<TFloat32> w) {
    Operand<TFloat32>[] out = newArray();
    for (int g = 0; g < 4; g++) {
      out[g] = columns(tf, w, (long) g * units, units);
    }
    return out;
  }

  private Operand<TFloat32>[] biasGates(Ops tf, Operand<TFloat32> b) {
    Operand<TFloat32>[] out = newArray();
    for (int g = 0; g < 4; g++) {
      out[g] = range(tf, b, (long) g * units, units);
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static Operand<TFloat32>[] newArray() {
    return (Operand<TFloat32>[]) new Operand<?>[4];
  }
}
