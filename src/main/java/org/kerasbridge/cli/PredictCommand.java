package org.kerasbridge.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.kerasbridge.InvalidInputException;
import org.kerasbridge.KerasBridge;
import org.kerasbridge.graph.Device;
import org.kerasbridge.model.InferenceModel;
import org.kerasbridge.ndarray.Npy;
import org.kerasbridge.ndarray.NpyArray;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kerasbridge predict MODEL --input X.npy [--input X2.npy ...] --output Y.npy}. */
@Command(name = "predict", mixinStandardHelpOptions = true,
    description = {"Run a model on .npy inputs and write its outputs as .npy.",
        "Inputs are taken in the model's input order. With several outputs, Y.npy holds the"
            + " first and Y.1.npy, Y.2.npy, ... the rest."})
final class PredictCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "MODEL",
      description = "A .keras or .h5 file (Keras 1, 2 or 3), or a SavedModel directory.")
  Path model;

  @Option(names = "--input", required = true, paramLabel = "X.npy",
      description = "An input array; repeat once per model input, in order.")
  List<Path> inputs = new ArrayList<>();

  @Option(names = "--output", required = true, paramLabel = "Y.npy",
      description = "Where to write the first output.")
  Path output;

  @Option(names = "--batch-size", defaultValue = "32",
      description = "Rows per call (default: ${DEFAULT-VALUE}, as Keras's predict).")
  int batchSize;

  @Option(names = "--device", defaultValue = "cpu",
      description = "cpu, gpu or gpu:N (default: ${DEFAULT-VALUE}); falls back to CPU when"
          + " no GPU is visible, and says so.")
  String device;

  @Override
  public Integer call() {
    List<NpyArray> arrays = Npy.readAll(inputs);
    try (InferenceModel m = KerasBridge.load(model, Device.parse(device))) {
      if (arrays.size() != m.inputs().size()) {
        throw new InvalidInputException(model + " takes " + m.inputs().size() + " input(s) "
            + m.inputs() + ", got " + arrays.size() + " --input");
      }
      List<NpyArray> outs = m.predict(arrays, batchSize);
      for (int k = 0; k < outs.size(); k++) {
        Npy.write(outputPath(output, k), outs.get(k));
      }
    }
    return Main.OK;
  }

  /** {@code Y.npy} for output 0, {@code Y.1.npy}, {@code Y.2.npy}, ... for the others. */
  static Path outputPath(Path first, int k) {
    if (k == 0) {
      return first;
    }
    String name = first.getFileName().toString();
    String stem = name.endsWith(".npy") ? name.substring(0, name.length() - 4) : name;
    return first.resolveSibling(stem + "." + k + ".npy");
  }
}
