package org.kerasbridge.layers.conv;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.kerasbridge.layers.LayerConfig;
import org.kerasbridge.layers.Weight;
import org.kerasbridge.regularizers.Regularizer;
import org.kerasbridge.regularizers.Regularizers;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.nn.Conv2dBackpropInput;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Keras's {@code BaseConvTranspose} (Conv1DTranspose, Conv2DTranspose): the gradient of a
 * convolution with respect to its input, {@code tf.nn.conv_transpose}. The kernel is {@code
 * (k..., filters, in)} (output channels before input channels), the bias {@code (filters,)}.
 *
 * <p>Output length per spatial axis, Keras 3's {@code compute_conv_transpose_output_shape} with
 * {@code k' = (k - 1) * d + 1}, input length {@code n}, stride {@code s}, output padding {@code
 * p}:
 *
 * <ul>
 *   <li>{@code valid}: {@code (n - 1) * s + k' + p}, where an unset {@code p} is {@code max(k',
 *       s) - k'}
 *   <li>{@code same}: {@code n * s} when {@code p} is unset, else {@code (n - 1) * s + (k' mod 2)
 *       + p}
 * </ul>
 *
 * That length is handed to TensorFlow's {@code Conv2DBackpropInput}, which derives the padding
 * from it ({@code same}: {@code max((n - 1) * s + k' - out, 0)}, the smaller half first). With
 * {@code same}, an even {@code k'} and {@code p = 0}, TensorFlow rejects that length and Keras
 * fails when called; such a config is reported as unsupported here.
 */
public abstract class BaseConvTranspose extends SpatialConv {
  protected final int filters;
  private final int[] outputPadding;
  private final JsonNode kernelInitializer;
  private final Regularizer kernelRegularizer;
  private Weight kernel;

  protected BaseConvTranspose(LayerConfig c, int rank) {
    super(c, rank, false);
    filters = c.requirePositiveInt("filters");
    JsonNode op = c.node("output_padding");
    outputPadding = op == null ? null : c.getIntTuple("output_padding", rank, new int[rank]);
    kernelInitializer = c.node("kernel_initializer");
    kernelRegularizer = Regularizers.fromConfig(c, "kernel_regularizer");
    c.ignore("kernel_constraint"); // applied by the training loop after each step
    // tf.keras 2.x wrote the Conv base's groups into transposed convolutions; only 1 existed.
    c.requireNeutral("groups", 1);
    if (window.strided() && window.dilated()) {
      c.unsupported("strides > 1 together with dilation_rate > 1 (Keras rejects it too)");
    }
    int[] s = window.strides();
    for (int i = 0; outputPadding != null && i < rank; i++) {
      if (outputPadding[i] < 0 || outputPadding[i] >= s[i]) {
        c.unsupported("output_padding", op, "values in [0, strides) (Keras rejects others)");
        break;
      }
      if (window.padding() == Window.Padding.SAME && outputPadding[i] == 0
          && window.effectiveSize(i) % 2 == 0) {
        c.unsupported("output_padding=0 with padding='same' and an even (dilated) kernel size "
            + window.effectiveSize(i) + ": the output length (n - 1) * strides is too short for"
            + " 'same' and Keras itself fails when calling the layer");
        break;
      }
    }
    c.finish();
  }

  @Override
  protected String checkInput(Shape in) {
    return null; // a transposed convolution grows its input; every length has an output
  }

  @Override
  protected void buildKernels(long inChannels) {
    long[] shape = kernelShape(filters, inChannels);
    kernel = addWeight("kernel", shape, true, kernelInitializer);
  }

  @Override
  protected long outputChannels(long inChannels) {
    return filters;
  }

  /** The output length on {@code axis} is {@code n * s + offset(axis)}. */
  private long offset(int axis) {
    long s = window.strides()[axis];
    long keff = window.effectiveSize(axis);
    if (window.padding() == Window.Padding.VALID) {
      long p = outputPadding == null ? Math.max(keff, s) - keff : outputPadding[axis];
      return keff + p - s;
    }
    return outputPadding == null ? 0 : keff % 2 + outputPadding[axis] - s;
  }

  /** The output length on {@code axis} for input length {@code n} (-1 when unknown). */
  @Override
  public long outputLength(int axis, long n) {
    return n < 0 ? -1 : n * window.strides()[axis] + offset(axis);
  }

  @Override
  protected Operand<TFloat32> convolve(Ops tf, Operand<TFloat32> x) {
    Operand<TInt32> dims = tf.shape(x);
    List<Operand<TInt32>> out = new ArrayList<>();
    out.add(dim(tf, x, dims, 0));
    if (rank == 1) {
      out.add(tf.constant(new int[] {1}));
    }
    int[] s = window.strides();
    for (int i = 0; i < rank; i++) {
      int axis = 3 - rank + i;
      long n = x.shape().size(axis);
      if (n >= 0) {
        out.add(tf.constant(new int[] {Math.toIntExact(outputLength(i, n))}));
      } else {
        out.add(tf.math.add(tf.math.mul(dim(tf, x, dims, axis), tf.constant(new int[] {s[i]})),
            tf.constant(new int[] {Math.toIntExact(offset(i))})));
      }
    }
    out.add(tf.constant(new int[] {filters}));
    Operand<TInt32> outputShape = tf.concat(out, tf.constant(0));
    return tf.nn.conv2dBackpropInput(outputShape, Spatial.kernel4d(tf, kernel.value(), rank), x,
        window.strides4d(), window.padding().tf(),
        Conv2dBackpropInput.dilations(window.dilations4d()));
  }

  private static Operand<TInt32> dim(Ops tf, Operand<TFloat32> x, Operand<TInt32> dims,
      int axis) {
    long d = x.shape().size(axis);
    if (d >= 0) {
      return tf.constant(new int[] {Math.toIntExact(d)});
    }
    return tf.slice(dims, tf.constant(new int[] {axis}), tf.constant(new int[] {1}));
  }

  @Override
  protected List<RegularizedWeight> kernelRegularizers() {
    return regularized(kernel, kernelRegularizer);
  }

  public int filters() {
    return filters;
  }
}
