package org.kerasbridge.model;

import java.util.List;
import org.kerasbridge.ndarray.NpyArray;

/**
 * A model that computes outputs from inputs, whatever format it came from. Implementations own
 * native TensorFlow resources: close them (try-with-resources).
 *
 * <p><b>Threads</b>: {@link #predict} may be called from any number of threads at once, with
 * results identical to serial calls ({@code PredictThreadsTest}); models whose calls carry state
 * (stateful RNNs) run one call at a time or, for a SavedModel, should not be shared. {@link #close}
 * waits for running calls; later calls fail with a
 * {@link org.kerasbridge.model.ConcurrentUseException}. Training rules: see {@link KerasModel}.
 *
 * <p><b>Inputs</b> are checked before TensorFlow sees them ({@link InputCheck}); a bad one is an
 * {@link org.kerasbridge.InvalidInputException} naming the input by position and name with the
 * expected dtype and shape. NaN and infinite values are passed through, as Keras computes with
 * them.
 */
public interface InferenceModel extends AutoCloseable {
  /** Inputs in the order {@link #predict} takes them. */
  List<TensorSpec> inputs();

  /** Outputs in the order {@link #predict} returns them. */
  List<TensorSpec> outputs();

  /**
   * Runs the model on whole arrays, in batches of at most {@code batchSize} rows where the input's
   * first dimension is free. Every input is checked against {@link #inputs()} first.
   */
  List<NpyArray> predict(List<NpyArray> inputs, int batchSize);

  /** {@link #predict(List, int)} with Keras's default batch size of 32. */
  default List<NpyArray> predict(List<NpyArray> inputs) {
    return predict(inputs, 32);
  }

  /**
   * {@link #predict(List, int)} on TF Java NdArrays (one per input, in order), returning one
   * float NdArray per output.
   */
  default List<org.tensorflow.ndarray.FloatNdArray> predictNd(
      List<? extends org.tensorflow.ndarray.NdArray<?>> inputs, int batchSize) {
    List<NpyArray> in = new java.util.ArrayList<>();
    for (org.tensorflow.ndarray.NdArray<?> a : inputs) {
      in.add(NpyArray.fromNdArray(a));
    }
    List<org.tensorflow.ndarray.FloatNdArray> out = new java.util.ArrayList<>();
    for (NpyArray y : predict(in, batchSize)) {
      out.add(y.castTo(org.kerasbridge.ndarray.DType.FLOAT32).asFloats());
    }
    return out;
  }

  /** A human-readable description of the model, as {@code summary} prints it. */
  String summary();

  @Override
  void close();
}
