package org.kerasbridge.examples;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.kerasbridge.KerasBridge;
import org.kerasbridge.model.InferenceModel;
import org.kerasbridge.ndarray.Npy;
import org.kerasbridge.ndarray.NpyArray;

/**
 * Example 1: load a Keras model ({@code .keras}, {@code .h5} or a SavedModel directory) and
 * predict.
 *
 * <pre>
 * java ... org.kerasbridge.examples.PredictFromFile MODEL INPUT.npy [EXPECTED.npy]
 * </pre>
 *
 * With {@code EXPECTED.npy} (the output Python Keras computed for the same input) it checks that
 * the Java prediction matches to 1e-5 and exits with 1 if not.
 */
public final class PredictFromFile {
  private PredictFromFile() {}

  public static void main(String[] args) {
    if (args.length < 2) {
      System.err.println("usage: PredictFromFile MODEL INPUT.npy [EXPECTED.npy]");
      System.exit(2);
    }
    Path modelFile = Path.of(args[0]);
    NpyArray input = Npy.read(Path.of(args[1]));
    // try-with-resources: the model owns a TensorFlow graph and session
    try (InferenceModel model = KerasBridge.load(modelFile)) {
      System.out.println(model.summary());
      NpyArray output = model.predict(List.of(input)).get(0);
      System.out.println("input " + Arrays.toString(input.shape()) + " -> output "
          + Arrays.toString(output.shape()));
      if (output.rank() == 2) {
        System.out.println("predicted classes: " + Arrays.toString(Check.argmax(output)));
      }
      if (args.length > 2) {
        NpyArray expected = Npy.read(Path.of(args[2]));
        double diff = Check.maxAbsDiff(output, expected);
        Check.that(diff <= 1e-5, String.format(java.util.Locale.ROOT,
            "prediction matches Keras's (max |diff| %.3g <= 1e-5)", diff));
      }
    }
  }
}
