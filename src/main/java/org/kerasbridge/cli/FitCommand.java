package org.kerasbridge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.kerasbridge.InvalidInputException;
import org.kerasbridge.graph.Device;
import org.kerasbridge.io.ModelFiles;
import org.kerasbridge.io.ModelSpec;
import org.kerasbridge.io.ModelWriters;
import org.kerasbridge.losses.Loss;
import org.kerasbridge.losses.Losses;
import org.kerasbridge.model.FitOptions;
import org.kerasbridge.model.History;
import org.kerasbridge.model.KerasModel;
import org.kerasbridge.ndarray.Npy;
import org.kerasbridge.ndarray.NpyArray;
import org.kerasbridge.optimizers.Optimizer;
import org.kerasbridge.optimizers.Optimizers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code kerasbridge fit MODEL --x X.npy --y Y.npy --epochs E --batch-size B --out OUT.keras}:
 * trains a Keras file with the optimizer, loss and metrics it was compiled with (or the ones
 * given), resuming from the optimizer state it carries, and writes the trained model.
 */
@Command(name = "fit", mixinStandardHelpOptions = true,
    description = {"Train a compiled Keras model (.keras or .h5) on .npy arrays and write the"
        + " trained model (.keras, .h5, or a SavedModel directory, by OUT's extension).",
        "The optimizer, loss and metrics come from the file unless --optimizer/--loss override"
            + " them; --learning-rate alone changes the file optimizer's rate."})
final class FitCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Parameters(index = "0", paramLabel = "MODEL", description = "A compiled .keras or .h5 file.")
  Path model;

  @Option(names = "--x", required = true, paramLabel = "X.npy",
      description = "Training inputs; repeat once per model input, in order.")
  List<Path> x = new ArrayList<>();

  @Option(names = "--y", required = true, paramLabel = "Y.npy",
      description = "Training targets; repeat once per model output, in order.")
  List<Path> y = new ArrayList<>();

  @Option(names = "--epochs", defaultValue = "1", description = "Epochs (default: 1).")
  int epochs;

  @Option(names = "--batch-size", defaultValue = "32", description = "Batch size (default: 32).")
  int batchSize;

  @Option(names = "--no-shuffle", description = "Keep the sample order (Keras shuffle=False).")
  boolean noShuffle;

  @Option(names = "--seed", defaultValue = "1337", description = "Shuffling seed.")
  long seed;

  @Option(names = "--validation-split", defaultValue = "0",
      description = "Fraction of the samples, taken from the end, to validate on.")
  double validationSplit;

  @Option(names = "--optimizer", paramLabel = "NAME",
      description = "sgd, rmsprop, adam, adamw, adagrad or adadelta, with Keras 3 defaults.")
  String optimizer;

  @Option(names = "--learning-rate", paramLabel = "LR", description = "Learning rate.")
  Double learningRate;

  @Option(names = "--loss", paramLabel = "NAME",
      description = "mse, mae, binary_crossentropy, categorical_crossentropy,"
          + " sparse_categorical_crossentropy, huber, kl_divergence.")
  String loss;

  @Option(names = "--device", defaultValue = "cpu", description = "cpu, gpu or gpu:N.")
  String device;

  @Option(names = "--out", required = true, paramLabel = "OUT",
      description = "Where to write the trained model.")
  Path out;

  @Option(names = "--overwrite", description = "Replace OUT if it exists.")
  boolean overwrite;

  @Option(names = {"-q", "--quiet"}, description = "No progress bar or epoch lines.")
  boolean quiet;

  @Override
  public Integer call() {
    if (!overwrite && java.nio.file.Files.exists(out)) {
      throw new InvalidInputException(out + " exists; refusing to overwrite it (--overwrite)");
    }
    List<NpyArray> xs = Npy.readAll(x);
    List<NpyArray> ys = Npy.readAll(y);
    ModelSpec file = ModelFiles.read(model);
    try (KerasModel m = KerasModel.fromSpec(file, Device.parse(device))) {
      compile(m, file);
      FitOptions o = FitOptions.defaults().setEpochs(epochs).setBatchSize(batchSize)
          .optShuffle(!noShuffle).optSeed(seed).optVerbose(!quiet)
          .optValidationSplit(validationSplit);
      History h = m.fit(xs, ys, o);
      List<String> notes = ModelWriters.write(m, out, ModelWriters.Format.infer(out), overwrite);
      var w = spec.commandLine().getOut();
      notes.forEach(n -> w.println("note: " + n));
      StringBuilder json = new StringBuilder("{\"out\":\"").append(out.toString()
          .replace("\\", "\\\\").replace("\"", "\\\"")).append("\",\"epochs\":")
          .append(h.epochs().size()).append(",\"steps\":").append(m.optimizer().iterations());
      h.history().forEach((k, v) -> json.append(",\"").append(k).append("\":")
          .append(String.format(Locale.ROOT, "%.6g", v.get(v.size() - 1))));
      w.println(json.append('}'));
      w.flush();
    }
    return Main.OK;
  }

  private void compile(KerasModel m, ModelSpec file) {
    JsonNode cc = file.compileConfig();
    if (optimizer == null && loss == null && learningRate == null) {
      m.compileFromFile();
      return;
    }
    Optimizer opt;
    if (optimizer != null) {
      opt = Optimizers.create(optimizer, learningRate);
    } else if (cc != null && cc.hasNonNull("optimizer")) {
      ObjectNode o = cc.get("optimizer").deepCopy();
      if (learningRate != null) {
        ((ObjectNode) o.path("config")).put("learning_rate", learningRate);
      }
      opt = Optimizers.fromConfig(o);
    } else {
      throw new InvalidInputException(model + " carries no optimizer; give --optimizer");
    }
    List<Loss> losses = new ArrayList<>();
    if (loss != null) {
      losses.add(Losses.byName(loss, null));
    } else if (cc != null && cc.hasNonNull("loss")) {
      if (cc.get("loss").isArray()) {
        cc.get("loss").forEach(l -> losses.add(Losses.fromConfig(l)));
      } else {
        losses.add(Losses.fromConfig(cc.get("loss")));
      }
    } else {
      throw new InvalidInputException(model + " carries no loss; give --loss");
    }
    List<String> metrics = new ArrayList<>();
    if (cc != null && cc.path("metrics").isArray()) {
      cc.get("metrics").forEach(mm -> {
        if (mm.isTextual()) {
          metrics.add(mm.asText());
        }
      });
    }
    m.compile(opt, losses, metrics);
  }
}
