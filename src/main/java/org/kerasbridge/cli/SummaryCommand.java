package org.kerasbridge.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.kerasbridge.KerasBridge;
import org.kerasbridge.graph.Device;
import org.kerasbridge.model.InferenceModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kerasbridge summary MODEL}: Keras's summary, or a SavedModel's signatures. */
@Command(name = "summary", mixinStandardHelpOptions = true,
    description = {"Print the model's layers with output shapes and parameter counts, as Keras's"
        + " model.summary() does; for a SavedModel, its signatures with input and output names,"
        + " shapes and dtypes."})
final class SummaryCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Parameters(index = "0", paramLabel = "MODEL",
      description = "A .keras or .h5 file, or a SavedModel directory.")
  Path model;

  @Override
  public Integer call() {
    try (InferenceModel m = KerasBridge.load(model, Device.CPU)) {
      spec.commandLine().getOut().print(m.summary());
      spec.commandLine().getOut().flush();
    }
    return Main.OK;
  }
}
