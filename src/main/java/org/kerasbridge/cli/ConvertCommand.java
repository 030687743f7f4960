package org.kerasbridge.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.kerasbridge.InvalidInputException;
import org.kerasbridge.KerasBridge;
import org.kerasbridge.graph.Device;
import org.kerasbridge.io.ModelWriters;
import org.kerasbridge.io.savedmodel.SavedModel;
import org.kerasbridge.model.KerasModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code kerasbridge convert MODEL --out OUT [--format keras|h5|savedmodel] [--overwrite]}: reads
 * any Keras model KerasBridge reads and writes it in any format it writes
 * ({@link ModelWriters}). Prints one line naming what was written, then one line per adaptation
 * made on the way (on stderr, prefixed {@code note:}).
 */
@Command(name = "convert", mixinStandardHelpOptions = true,
    description = {"Convert a Keras model to .keras, .h5 or a TensorFlow SavedModel.",
        "MODEL is a .keras or .h5 file (Keras 1, 2 or 3). The format follows OUT's extension"
            + " (.keras, .h5; anything else is a SavedModel directory) unless --format is given."
            + " Writes are atomic: OUT appears complete or not at all, and an existing OUT is"
            + " kept unless --overwrite.",
        "A SavedModel cannot be converted to .keras or .h5: it holds a TensorFlow graph, not"
            + " a Keras config."})
final class ConvertCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Parameters(index = "0", paramLabel = "MODEL",
      description = "A .keras or .h5 file (Keras 1, 2 or 3), or an unzipped .keras directory.")
  Path model;

  @Option(names = "--out", required = true, paramLabel = "OUT",
      description = "Where to write: OUT.keras, OUT.h5, or a SavedModel directory.")
  Path out;

  @Option(names = "--format", paramLabel = "FORMAT",
      description = "keras, h5 or savedmodel (default: from OUT's extension).")
  String format;

  @Option(names = "--overwrite", description = "Replace OUT if it exists.")
  boolean overwrite;

  @Override
  public Integer call() {
    ModelWriters.Format f = format == null ? ModelWriters.Format.infer(out)
        : ModelWriters.Format.parse(format);
    if (SavedModel.isSavedModel(model)) {
      throw new InvalidInputException(model + " is a TensorFlow SavedModel: it holds a graph,"
          + " not a Keras config, so it cannot be converted (convert from the .keras or .h5 it"
          + " was made from)");
    }
    if (!overwrite && java.nio.file.Files.exists(out)) {
      throw new InvalidInputException(out + " exists; refusing to overwrite it (--overwrite)");
    }
    List<String> notes;
    try (KerasModel m = KerasBridge.loadKeras(model, Device.CPU)) {
      notes = ModelWriters.write(m, out, f, overwrite);
    }
    PrintWriter o = spec.commandLine().getOut();
    o.println("wrote " + out + " (" + f.name().toLowerCase(java.util.Locale.ROOT)
        .replace("_", "") + ")");
    o.flush();
    PrintWriter err = spec.commandLine().getErr();
    for (String n : notes) {
      err.println("note: " + n);
    }
    err.flush();
    return Main.OK;
  }
}
