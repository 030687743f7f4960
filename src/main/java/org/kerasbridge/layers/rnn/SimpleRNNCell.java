package org.kerasbridge.layers.rnn;

import java.util.List;
import org.kerasbridge.activations.Activation;
import org.kerasbridge.activations.Activations;
import org.kerasbridge.layers.CallContext;
import org.kerasbridge.layers.LayerConfig;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * {@code SimpleRNNCell}: {@code h_t = activation((x_t . kernel + bias) + h_{t-1} .
 * recurrent_kernel)}, summed in that order as Keras does. kernel {@code (features, units)},
 * recurrent_kernel {@code (units, units)}, bias {@code (units,)}; one state {@code (batch,
 * units)}, which is also the output.
 *
 * <p>Training with dropout multiplies {@code x_t} (and {@code h_{t-1}} for recurrent_dropout)
 * by one mask per call, as Keras's {@code DropoutRNNCell} does.
 */
public final class SimpleRNNCell extends RnnCell {
  private final Activation activation;
  private final boolean useBias;

  public SimpleRNNCell(LayerConfig c, String cellName) {
    super(c, cellName);
    activation = Activations.fromConfig(c, "activation", "tanh");
    useBias = c.getBoolean("use_bias", true);
  }

  @Override
  public int[] stateSizes() {
    return new int[] {units};
  }

  @Override
  void buildCell(long inputDim) {
    kernel = weight("kernel", new long[] {inputDim, units}, kernelInitializer);
    recurrentKernel = weight("recurrent_kernel", new long[] {units, units},
        recurrentInitializer);
    if (useBias) {
      bias = weight("bias", new long[] {units}, biasInitializer);
    }
  }

  @Override
  StepFunction begin(Ops tf, Operand<TFloat32> x0, Operand<TFloat32> h0, CallContext ctx) {
    boolean train = ctx.training();
    Operand<TFloat32> dp = train && dropout > 0
        ? dropoutMasks(tf, x0, dropout, 1, ctx).get(0) : null;
    Operand<TFloat32> recDp = train && recurrentDropout > 0
        ? dropoutMasks(tf, h0, recurrentDropout, 1, ctx).get(0) : null;
    Operand<TFloat32> k = kernel.value();
    Operand<TFloat32> rk = recurrentKernel.value();
    Operand<TFloat32> b = useBias ? bias.value() : null;
    if (dp == null && projectable(x0)) {
      // h = x_t . kernel + bias for all steps at once; then h + prev . recurrent_kernel
      return projected(product(k, b), (s, h, states) -> {
        Operand<TFloat32> prev = states.get(0);
        if (recDp != null) {
          prev = s.math.mul(prev, recDp);
        }
        Operand<TFloat32> out = activation.apply(s, s.math.add(h, s.linalg.matMul(prev, rk)));
        return new StepResult(out, List.of(out));
      });
    }
    return (s, x, states) -> {
      Operand<TFloat32> prev = states.get(0);
      Operand<TFloat32> in = dp == null ? x : s.math.mul(x, dp);
      Operand<TFloat32> h = s.linalg.matMul(in, k);
      if (b != null) {
        h = s.math.add(h, b);
      }
      if (recDp != null) {
        prev = s.math.mul(prev, recDp);
      }
      Operand<TFloat32> out = activation.apply(s, s.math.add(h, s.linalg.matMul(prev, rk)));
      return new StepResult(out, List.of(out));
    };
  }
}
