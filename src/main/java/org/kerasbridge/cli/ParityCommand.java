package org.kerasbridge.cli;

import java.io.PrintWriter;
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
import org.kerasbridge.parity.Comparison;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code kerasbridge parity MODEL --input X.npy... --expected Y.npy... [--atol A] [--rtol R]}:
 * runs the model and compares every output with what Keras computed.
 */
@Command(name = "parity", mixinStandardHelpOptions = true,
    description = {"Run a model and compare its outputs with reference arrays.",
        "Exit 0 when every element is within atol + rtol*|expected|, 1 when not, 2 when the"
            + " model or an input is bad or unsupported."})
final class ParityCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Parameters(index = "0", paramLabel = "MODEL", description = "The model to check.")
  Path model;

  @Option(names = "--input", required = true, paramLabel = "X.npy",
      description = "An input array; repeat once per model input, in order.")
  List<Path> inputs = new ArrayList<>();

  @Option(names = "--expected", required = true, paramLabel = "Y.npy",
      description = "The expected output; repeat once per model output, in order.")
  List<Path> expected = new ArrayList<>();

  @Option(names = "--atol", defaultValue = "1e-5",
      description = "Absolute tolerance (default: ${DEFAULT-VALUE}, float32 inference).")
  double atol;

  @Option(names = "--rtol", defaultValue = "0",
      description = "Relative tolerance (default: ${DEFAULT-VALUE}).")
  double rtol;

  @Option(names = "--batch-size", defaultValue = "32", description = "Rows per call.")
  int batchSize;

  @Option(names = "--device", defaultValue = "cpu", description = "cpu, gpu or gpu:N.")
  String device;

  @Override
  public Integer call() {
    if (atol < 0 || rtol < 0 || Double.isNaN(atol) || Double.isNaN(rtol)) {
      throw new InvalidInputException("--atol and --rtol must be >= 0");
    }
    List<NpyArray> ins = Npy.readAll(inputs);
    List<NpyArray> exp = Npy.readAll(expected);
    PrintWriter out = spec.commandLine().getOut();
    try (InferenceModel m = KerasBridge.load(model, Device.parse(device))) {
      if (ins.size() != m.inputs().size()) {
        throw new InvalidInputException(model + " takes " + m.inputs().size() + " input(s) "
            + m.inputs() + ", got " + ins.size() + " --input");
      }
      if (exp.size() != m.outputs().size()) {
        throw new InvalidInputException(model + " has " + m.outputs().size() + " output(s) "
            + m.outputs() + ", got " + exp.size() + " --expected");
      }
      List<NpyArray> got = m.predict(ins, batchSize);
      for (int k = 0; k < got.size(); k++) {
        if (!java.util.Arrays.equals(got.get(k).shape(), exp.get(k).shape())) {
          throw new InvalidInputException("--expected " + k + " (" + expected.get(k) + ") has"
              + " shape " + java.util.Arrays.toString(exp.get(k).shape()) + ", but output " + k
              + " '" + m.outputs().get(k).name() + "' of " + model + " has shape "
              + java.util.Arrays.toString(got.get(k).shape()) + " for these inputs");
        }
      }
      boolean ok = true;
      for (int k = 0; k < got.size(); k++) {
        Comparison c = Comparison.of(m.outputs().get(k).name() + " vs " + expected.get(k),
            got.get(k), exp.get(k), atol, rtol);
        out.println(c.report());
        ok &= c.passed();
      }
      out.println(ok ? "parity: ok" : "parity: FAILED");
      out.flush();
      return ok ? Main.OK : Main.CHECK_FAILED;
    }
  }
}
