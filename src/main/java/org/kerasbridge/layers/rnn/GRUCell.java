package org.kerasbridge.layers.rnn;

import java.util.ArrayList;
import java.util.List;
import org.kerasbridge.activations.Activation;
import org.kerasbridge.activations.Activations;
import org.kerasbridge.layers.CallContext;
import org.kerasbridge.layers.LayerConfig;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * {@code GRUCell}, gates in Keras's order z (update), r (reset), h (candidate). kernel
 * {@code (features, 3*units)}, recurrent_kernel {@code (units, 3*units)}; one state {@code h}.
 *
 * <pre>
 * reset_after=True (Keras 3 and tf.keras 2 default), bias (2, 3*units) = [input_bias; recurrent_bias]:
 *   x = x_t . kernel + input_bias          r_ = h_{t-1} . recurrent_kernel + recurrent_bias
 *   z = rec_act(x_z + r_z)   r = rec_act(x_r + r_r)   hh = act(x_h + r * r_h)
 * reset_after=False (Keras 2.0-2.3 default), bias (3*units,):
 *   x = x_t . kernel + bias               r_ = h_{t-1} . recurrent_kernel[:, :2u]
 *   z = rec_act(x_z + r_z)   r = rec_act(x_r + r_r)   hh = act(x_h + (r * h_{t-1}) . recurrent_kernel[:, 2u:])
 * h_t = z * h_{t-1} + (1 - z) * hh
 * </pre>
 *
 * With {@code implementation=1} (forced by {@code recurrent_dropout}) each gate's products are
 * taken with its own kernel columns, as in Keras. When a file has no {@code reset_after}, the
 * default of the Keras version that wrote it applies: False before Keras 2.4 (standalone Keras
 * added the argument in 2.1.4 with default False), True from tf.keras 2.4 and in Keras 3.
 */
public final class GRUCell extends RnnCell {
  private final Activation activation;
  private final Activation recurrentActivation;
  private final boolean useBias;
  private final boolean resetAfter;
  private final int implementation;

  public GRUCell(LayerConfig c, String cellName) {
    super(c, cellName);
    activation = Activations.fromConfig(c, "activation", "tanh");
    recurrentActivation = Activations.fromConfig(c, "recurrent_activation", "sigmoid");
    useBias = c.getBoolean("use_bias", true);
    resetAfter = c.getBoolean("reset_after", defaultResetAfter(c.kerasVersion()));
    int impl = c.getInt("implementation", 2);
    implementation = recurrentDropout != 0.0 ? 1 : impl;
  }

  /** True unless the file was written by Keras 1 or a Keras 2 before 2.4. */
  static boolean defaultResetAfter(String kerasVersion) {
    if (kerasVersion == null || kerasVersion.isEmpty()) {
      return true;
    }
    String[] parts = kerasVersion.split("[.\\-]");
    try {
      int major = Integer.parseInt(parts[0]);
      int minor = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
      return major > 2 || major == 2 && minor >= 4;
    } catch (NumberFormatException e) {
      return true;
    }
  }

  public boolean resetAfter() {
    return resetAfter;
  }

  @Override
  public int[] stateSizes() {
    return new int[] {units};
  }

  @Override
  void buildCell(long inputDim) {
    kernel = weight("kernel", new long[] {inputDim, 3L * units}, kernelInitializer);
    recurrentKernel = weight("recurrent_kernel", new long[] {units, 3L * units},
        recurrentInitializer);
    if (useBias) {
      bias = weight("bias", resetAfter ? new long[] {2, 3L * units} : new long[] {3L * units},
          biasInitializer);
    }
  }

  @Override
  StepFunction begin(Ops tf, Operand<TFloat32> x0, Operand<TFloat32> h0, CallContext ctx) {
    boolean train = ctx.training();
    long u = units;
    Operand<TFloat32> k = kernel.value();
    Operand<TFloat32> rk = recurrentKernel.value();
    Operand<TFloat32> inBias = null;
    Operand<TFloat32> recBias = null;
    if (useBias) {
      if (resetAfter) {
        // bias (2, 3u): row 0 for the inputs, row 1 for the recurrent state
        Operand<TFloat32> b = bias.value();
        int w = Math.toIntExact(3 * u);
        inBias = tf.reshape(tf.slice(b, tf.constant(new int[] {0, 0}),
            tf.constant(new int[] {1, w})), tf.constant(new int[] {w}));
        recBias = tf.reshape(tf.slice(b, tf.constant(new int[] {1, 0}),
            tf.constant(new int[] {1, w})), tf.constant(new int[] {w}));
      } else {
        inBias = bias.value();
      }
    }
    Operand<TFloat32> ib = inBias;
    Operand<TFloat32> rb = recBias;
    Operand<TFloat32> rkZr = columns(tf, rk, 0, 2 * u);
    Operand<TFloat32> rkH = columns(tf, rk, 2 * u, u);
    Operand<TFloat32> one = org.kerasbridge.layers.DTypePolicy.constant(tf, 1, k); // compute dtype
    if (implementation != 1) {
      Operand<TFloat32> dp = train && dropout > 0 && dropout < 1
          ? dropoutMasks(tf, x0, dropout, 1, ctx).get(0) : null;
      // one Split per product, as Keras splits matrix_x; its gradient is one Concat where
      // column slices cost a Pad and its shape arithmetic each (the values are the same)
      Operand<TInt32> axis = tf.constant(1);
      StepFunction fromProduct = (s, mx, states) -> {
        Operand<TFloat32> h = states.get(0);
        List<Operand<TFloat32>> xg = split(s, axis, mx, 3);
        List<Operand<TFloat32>> rg;
        if (resetAfter) {
          Operand<TFloat32> inner = s.linalg.matMul(h, rk);
          if (rb != null) {
            inner = s.math.add(inner, rb);
          }
          rg = split(s, axis, inner, 3);
        } else {
          rg = split(s, axis, s.linalg.matMul(h, rkZr), 2);
        }
        Operand<TFloat32> z = recurrentActivation.apply(s, s.math.add(xg.get(0), rg.get(0)));
        Operand<TFloat32> r = recurrentActivation.apply(s, s.math.add(xg.get(1), rg.get(1)));
        Operand<TFloat32> recH = resetAfter ? s.math.mul(r, rg.get(2))
            : s.linalg.matMul(s.math.mul(r, h), rkH);
        Operand<TFloat32> hh = activation.apply(s, s.math.add(xg.get(2), recH));
        return mix(s, one, z, h, hh);
      };
      if (dp == null && projectable(x0)) {
        // matrix_x = x_t . kernel + input_bias for all steps at once
        return projected(product(k, ib), fromProduct);
      }
      InputProjection perStep = product(k, ib);
      return (s, x, states) -> fromProduct.step(s,
          perStep.apply(s, dp == null ? x : s.math.mul(x, dp)), states);
    }
    List<Operand<TFloat32>> dp = train && dropout > 0 && dropout < 1
        ? dropoutMasks(tf, x0, dropout, 3, ctx) : null;
    List<Operand<TFloat32>> recDp = train && recurrentDropout > 0 && recurrentDropout < 1
        ? dropoutMasks(tf, h0, recurrentDropout, 3, ctx) : null;
    Operand<TFloat32> rkz = columns(tf, rk, 0, u);
    Operand<TFloat32> rkr = columns(tf, rk, u, u);
    Operand<TInt32> axis = tf.constant(1);
    // x_g = x_t . kernel_g + input_bias_g: column blocks of x_t . kernel + input_bias
    StepFunction fromInputs = (s, xzrh, states) -> {
      Operand<TFloat32> h = states.get(0);
      List<Operand<TFloat32>> xg = split(s, axis, xzrh, 3);
      Operand<TFloat32> xz = xg.get(0);
      Operand<TFloat32> xr = xg.get(1);
      Operand<TFloat32> xh = xg.get(2);
      Operand<TFloat32> hz = recDp == null ? h : s.math.mul(h, recDp.get(0));
      Operand<TFloat32> hr = recDp == null ? h : s.math.mul(h, recDp.get(1));
      Operand<TFloat32> hhIn = recDp == null ? h : s.math.mul(h, recDp.get(2));
      Operand<TFloat32> recZ = s.linalg.matMul(hz, rkz);
      Operand<TFloat32> recR = s.linalg.matMul(hr, rkr);
      if (resetAfter && rb != null) {
        recZ = s.math.add(recZ, range(s, rb, 0, u));
        recR = s.math.add(recR, range(s, rb, u, u));
      }
      Operand<TFloat32> z = recurrentActivation.apply(s, s.math.add(xz, recZ));
      Operand<TFloat32> r = recurrentActivation.apply(s, s.math.add(xr, recR));
      Operand<TFloat32> recH;
      if (resetAfter) {
        recH = s.linalg.matMul(hhIn, rkH);
        if (rb != null) {
          recH = s.math.add(recH, range(s, rb, 2 * u, u));
        }
        recH = s.math.mul(r, recH);
      } else {
        recH = s.linalg.matMul(s.math.mul(r, hhIn), rkH);
      }
      Operand<TFloat32> hh = activation.apply(s, s.math.add(xh, recH));
      return mix(s, one, z, h, hh);
    };
    if (dp == null && projectable(x0)) {
      return projected(product(k, ib), fromInputs);
    }
    // one product per step and gate (each gate has its own input dropout mask)
    Operand<TFloat32> kz = columns(tf, k, 0, u);
    Operand<TFloat32> kr = columns(tf, k, u, u);
    Operand<TFloat32> kh = columns(tf, k, 2 * u, u);
    return (s, x, states) -> {
      Operand<TFloat32> xz = s.linalg.matMul(dp == null ? x : s.math.mul(x, dp.get(0)), kz);
      Operand<TFloat32> xr = s.linalg.matMul(dp == null ? x : s.math.mul(x, dp.get(1)), kr);
      Operand<TFloat32> xh = s.linalg.matMul(dp == null ? x : s.math.mul(x, dp.get(2)), kh);
      if (ib != null) {
        xz = s.math.add(xz, range(s, ib, 0, u));
        xr = s.math.add(xr, range(s, ib, u, u));
        xh = s.math.add(xh, range(s, ib, 2 * u, u));
      }
      return fromInputs.step(s, s.concat(List.of(xz, xr, xh), axis), states);
    };
  }

  /** {@code h_t = z * h_{t-1} + (1 - z) * hh}, in Keras's order. */
  private static StepResult mix(Ops s, Operand<TFloat32> one, Operand<TFloat32> z,
      Operand<TFloat32> h, Operand<TFloat32> hh) {
    Operand<TFloat32> out = s.math.add(s.math.mul(z, h), s.math.mul(s.math.sub(one, z), hh));
    return new StepResult(out, List.of(out));
  }

  /** The {@code n} equal column blocks of {@code (batch, n*units)}. */
  private static List<Operand<TFloat32>> split(Ops s, Operand<TInt32> axis, Operand<TFloat32> v,
      long n) {
    List<Operand<TFloat32>> out = new ArrayList<>();
    s.split(axis, v, n).forEach(out::add);
    return out;
  }
}
