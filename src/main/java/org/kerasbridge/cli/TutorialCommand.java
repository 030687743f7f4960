package org.kerasbridge.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.kerasbridge.graph.Device;
import org.kerasbridge.tutorials.TutorialRun;
import org.kerasbridge.tutorials.Tutorials;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code kerasbridge tutorial NAME --out DIR}: runs one of the source articles' examples (see
 * {@link Tutorials}); its last line on stdout is one JSON object of results.
 */
@Command(name = "tutorial", mixinStandardHelpOptions = true,
    description = {"Run one of the source articles' examples with the article's settings:"
        + " progress on stdout, PNG pictures (always loss.png) into DIR, and as the last line"
        + " one JSON object of results."},
    footer = {"", "Exit codes: 0 ok, 2 bad input or usage, 3 internal error."})
final class TutorialCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "NAME", completionCandidates = Names.class,
      description = "One of: ${COMPLETION-CANDIDATES}.")
  String name;

  @Option(names = "--out", required = true, paramLabel = "DIR",
      description = "Where the pictures go (created if needed).")
  Path out;

  @Option(names = "--epochs", paramLabel = "N",
      description = "Epochs, for the tutorials that train with fit (default: the article's).")
  Integer epochs;

  @Option(names = "--steps", paramLabel = "N",
      description = "Training steps, for rnn, lstm-regressor and regressor (default: the"
          + " article's).")
  Integer steps;

  @Option(names = "--batch-size", paramLabel = "B",
      description = "Batch size (default: the article's).")
  Integer batchSize;

  @Option(names = "--seed", defaultValue = "1337", paramLabel = "S",
      description = "Seed of initial weights, shuffling and noise (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--device", defaultValue = "cpu", paramLabel = "D",
      description = "cpu, gpu or gpu:N (default: ${DEFAULT-VALUE}); falls back to CPU when"
          + " no GPU is visible, and says so.")
  String device;

  @Option(names = "--limit", paramLabel = "N",
      description = "Use only the first N training and N test images (quick runs).")
  Integer limit;

  @Option(names = "--data", paramLabel = "DIR",
      description = "A directory of the four MNIST IDX files (default: $MNIST_DIR, Keras's"
          + " cache, ../shared/data/mnist, else a verified download).")
  Path data;

  @Option(names = "--keras2-activity-penalty",
      description = "sparse only: scale the L1 penalty by the batch size, as Keras 2 applied"
          + " it (Keras 3 divides activity penalties by the batch size).")
  boolean keras2ActivityPenalty;

  @Override
  public Integer call() {
    TutorialRun.Options o = new TutorialRun.Options(epochs, steps, batchSize, seed,
        Device.parse(device), limit, out, data, keras2ActivityPenalty);
    Tutorials.run(name, o, System.out);
    return Main.OK;
  }

  /** The tutorial names, for the help text. */
  static final class Names implements Iterable<String> {
    @Override
    public java.util.Iterator<String> iterator() {
      return Tutorials.all().stream().map(Tutorials.Tutorial::name)
          .collect(Collectors.toList()).iterator();
    }
  }
}
