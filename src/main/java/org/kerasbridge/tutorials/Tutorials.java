package org.kerasbridge.tutorials;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.kerasbridge.InvalidInputException;

/**
 * The tutorials by their command-line name, with the overrides each takes: {@code --epochs} for
 * those that train with {@code fit}, {@code --steps} for those with their own loop of {@code
 * train_on_batch}, {@code --limit} for those on MNIST.
 */
public final class Tutorials {
  /** A tutorial: its name, one line about it, the overrides it takes, and its program. */
  public record Tutorial(String name, String summary, Set<String> options,
      Function<TutorialRun, ObjectNode> program) {}

  private static final Set<String> FIT = Set.of("--epochs", "--batch-size", "--limit");
  private static final Map<String, Tutorial> ALL = new LinkedHashMap<>();

  static {
    add("autoencoder", "784-32-784 autoencoder (Keras blog)", FIT, Autoencoder::run);
    add("deep-autoencoder", "784-128-32-128-784 autoencoder", FIT, DeepAutoencoder::run);
    add("denoising", "deep autoencoder on noisy inputs", FIT, DenoisingAutoencoder::run);
    add("sparse", "deep autoencoder with an L1 activity penalty on the code",
        Set.of("--epochs", "--batch-size", "--limit", "--keras2-activity-penalty"),
        SparseAutoencoder::run);
    add("autoencoder-2d", "autoencoder with a 2-D code (Morvan 9)", FIT, Autoencoder2D::run);
    add("cnn", "Keras's mnist_cnn.py, Adadelta, 12 epochs", FIT, MnistCnn::run);
    add("cnn-channels-first", "5x5 CNN in channels_first, Adam 1e-4 (Morvan 6)", FIT,
        MnistCnnChannelsFirst::run);
    add("rnn", "SimpleRNN(50) over image rows, 4001 steps (Morvan 7)",
        Set.of("--steps", "--batch-size", "--limit"), RnnClassifier::run);
    add("lstm-regressor", "stateful LSTM from sin to cos, 501 steps (Morvan 8)",
        Set.of("--steps", "--batch-size"), LstmRegressor::run);
    add("regressor", "Dense(1) on y = 0.5x + 2 + noise, 301 SGD steps (Morvan 4)",
        Set.of("--steps"), LinearRegressor::run);
    add("mlp", "784-32-10 classifier, RMSprop, 2 epochs (Morvan 5)", FIT, MlpClassifier::run);
  }

  private Tutorials() {}

  private static void add(String name, String summary, Set<String> options,
      Function<TutorialRun, ObjectNode> program) {
    ALL.put(name, new Tutorial(name, summary, options, program));
  }

  public static List<Tutorial> all() {
    return List.copyOf(ALL.values());
  }

  public static Tutorial get(String name) {
    Tutorial t = ALL.get(name);
    if (t == null) {
      throw new InvalidInputException("no tutorial '" + name + "'; the tutorials are "
          + String.join(", ", ALL.keySet()));
    }
    return t;
  }

  /**
   * Runs a tutorial, its log and progress on {@code out}, and ends with its results as one JSON
   * line, which it also returns (with {@code seconds}).
   */
  public static ObjectNode run(String name, TutorialRun.Options options, PrintStream out) {
    Tutorial t = get(name);
    List<String> refused = new ArrayList<>();
    check(refused, t, "--epochs", options.epochs() != null);
    check(refused, t, "--steps", options.steps() != null);
    check(refused, t, "--batch-size", options.batchSize() != null);
    check(refused, t, "--limit", options.limit() != null);
    check(refused, t, "--keras2-activity-penalty", options.keras2ActivityPenalty());
    if (!refused.isEmpty()) {
      throw new InvalidInputException("tutorial '" + name + "' does not take "
          + String.join(", ", refused) + " (it takes " + String.join(", ",
              t.options().stream().sorted().toList()) + ")");
    }
    TutorialRun run = new TutorialRun(name, options, out);
    ObjectNode result = t.program().apply(run);
    run.finish(result);
    return result;
  }

  private static void check(List<String> refused, Tutorial t, String option, boolean given) {
    if (given && !t.options().contains(option)) {
      refused.add(option);
    }
  }
}
