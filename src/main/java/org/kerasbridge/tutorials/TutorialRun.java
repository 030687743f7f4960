package org.kerasbridge.tutorials;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.kerasbridge.InvalidInputException;
import org.kerasbridge.data.DatasetLoader;
import org.kerasbridge.data.Mnist;
import org.kerasbridge.graph.Device;

/**
 * What every tutorial shares and none should spell out: the command-line overrides of the
 * article's settings, MNIST (capped by {@code --limit}), the output directory, log lines, and the
 * JSON line of results that ends the run.
 *
 * <p>A tutorial asks for each setting with the article's value, {@code run.epochs(5)}, and gets
 * the user's override if there is one. Which overrides a tutorial takes is declared in {@link
 * Tutorials}, which refuses the others before anything runs.
 */
public final class TutorialRun {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The command-line settings; null means "the article's value". */
  public record Options(Integer epochs, Integer steps, Integer batchSize, long seed,
      Device device, Integer limit, Path out, Path data, boolean keras2ActivityPenalty) {
    public Options {
      requirePositive("--epochs", epochs);
      requirePositive("--steps", steps);
      requirePositive("--batch-size", batchSize);
      requirePositive("--limit", limit);
      if (out == null) {
        throw new InvalidInputException("an output directory is required (--out DIR)");
      }
    }

    /** The article's settings everywhere, seed 1337, CPU, pictures into {@code out}. */
    public static Options defaults(Path out) {
      return new Options(null, null, null, 1337, Device.CPU, null, out, null, false);
    }

    public Options withEpochs(int n) {
      return new Options(n, steps, batchSize, seed, device, limit, out, data, keras2ActivityPenalty);
    }

    public Options withSteps(int n) {
      return new Options(epochs, n, batchSize, seed, device, limit, out, data, keras2ActivityPenalty);
    }

    public Options withBatchSize(int n) {
      return new Options(epochs, steps, n, seed, device, limit, out, data, keras2ActivityPenalty);
    }

    public Options withLimit(int n) {
      return new Options(epochs, steps, batchSize, seed, device, n, out, data, keras2ActivityPenalty);
    }

    private static void requirePositive(String option, Integer v) {
      if (v != null && v < 1) {
        throw new InvalidInputException(option + " must be >= 1, got " + v);
      }
    }
  }

  private final String name;
  private final Options options;
  private final PrintStream out;
  private final long start = System.nanoTime();
  private Integer epochsUsed;

  TutorialRun(String name, Options options, PrintStream out) {
    this.name = name;
    this.options = options;
    this.out = out;
  }

  public String name() {
    return name;
  }

  /** The number of epochs: {@code --epochs}, else the article's. */
  public int epochs(int article) {
    epochsUsed = options.epochs() != null ? options.epochs() : article;
    return epochsUsed;
  }

  /** The number of training steps (step-based tutorials): {@code --steps}, else the article's. */
  public int steps(int article) {
    return options.steps() != null ? options.steps() : article;
  }

  /** The batch size: {@code --batch-size}, else the article's. */
  public int batchSize(int article) {
    return options.batchSize() != null ? options.batchSize() : article;
  }

  /** The seed of weight initialization, shuffling and generated noise. */
  public long seed() {
    return options.seed();
  }

  /** {@code --keras2-activity-penalty}: scale activity penalties as Keras 2 did (sparse). */
  public boolean keras2ActivityPenalty() {
    return options.keras2ActivityPenalty();
  }

  public Device device() {
    return options.device();
  }

  /** {@code fileName} in the output directory (created if needed). */
  public Path file(String fileName) {
    try {
      Files.createDirectories(options.out());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the output directory " + options.out(), e);
    }
    return options.out().resolve(fileName);
  }

  /**
   * MNIST as {@code keras.datasets.mnist.load_data()} returns it, cut to the first {@code --limit}
   * training and test images. Read from {@code --data DIR}, else {@code $MNIST_DIR}, else Keras's
   * cache, else the project's {@code ../shared/data/mnist}, else downloaded (see {@link
   * DatasetLoader}).
   */
  public Mnist.Data mnist() {
    DatasetLoader loader = Mnist.loader();
    Path shared = Path.of("..", "shared", "data", "mnist");
    if (options.data() != null) {
      loader.optDirectory(options.data());
    } else if (System.getenv("MNIST_DIR") == null && !Files.exists(loader.cachePath())
        && Files.isDirectory(shared)) {
      loader.optDirectory(shared);
    }
    Mnist.Data d = loader.load();
    if (options.limit() != null) {
      d = d.head((int) Math.min(options.limit(), d.xTrain().shape()[0]),
          (int) Math.min(options.limit(), d.xTest().shape()[0]));
    }
    log("MNIST: %d training and %d test images", d.xTrain().shape()[0], d.xTest().shape()[0]);
    return d;
  }

  /** A log line on stdout, between Keras's progress lines. */
  public void log(String format, Object... args) {
    out.println(String.format(Locale.ROOT, format, args));
    out.flush();
  }

  /**
   * Keyword arguments as a Keras config ({@code kwargs("learning_rate", 1.0, "rho", 0.95)}), for
   * optimizers, so a tutorial spells out every hyperparameter as the article does.
   */
  public static ObjectNode kwargs(Object... keyValues) {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    for (int i = 0; i < keyValues.length; i += 2) {
      String k = (String) keyValues[i];
      Object v = keyValues[i + 1];
      if (v instanceof Double d) {
        n.put(k, d);
      } else if (v instanceof Integer x) {
        n.put(k, x);
      } else if (v instanceof Boolean b) {
        n.put(k, b);
      } else {
        n.put(k, String.valueOf(v));
      }
    }
    return n;
  }

  /** The JSON object of results, started with {@code tutorial} and {@code epochs}. */
  public ObjectNode result() {
    ObjectNode r = JsonNodeFactory.instance.objectNode();
    r.put("tutorial", name);
    if (epochsUsed != null) {
      r.put("epochs", epochsUsed);
    }
    return r;
  }

  /** Adds {@code seconds} and prints the result as the last line on stdout. */
  void finish(ObjectNode result) {
    result.put("seconds", Math.round((System.nanoTime() - start) / 1e7) / 100.0);
    try {
      out.println(JSON.writeValueAsString(result));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    out.flush();
  }
}
