package org.kerasbridge.tutorials;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.kerasbridge.cli.Main;

/**
 * Every tutorial, run from the command line for a handful of steps on a slice of MNIST: it exits
 * 0, writes its pictures as PNGs of the expected size, and ends stdout with one JSON line holding
 * its results as finite numbers. (The full runs are benchmarks: see docs/tutorials.md.)
 */
class TutorialsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** An image grid of ten 28x28 digits scaled 3x: 10 * (84 + 4) + 4 pixels plus labels. */
  private static final int GRID_WIDTH = 10 * 88 + 4;

  @TempDir
  Path tmp;

  record Png(String file, int width, int height) {}

  record Run(int code, String out, String err) {
    List<String> lines() {
      return out.lines().filter(l -> !l.isBlank()).toList();
    }
  }

  /** A picture of ten digits in {@code rows} rows (label and title sizes depend on the font). */
  private static Png grid(String file, int rows) {
    return new Png(file, -1, rows);
  }

  static Stream<Arguments> tutorials() {
    Png loss = new Png("loss.png", 900, 520);
    return Stream.of(
        Arguments.of("autoencoder", "--epochs 1 --limit 256", List.of(loss,
            grid("reconstructions.png", 2)), List.of("epochs", "test_loss")),
        Arguments.of("deep-autoencoder", "--epochs 1 --limit 256", List.of(loss,
            grid("reconstructions.png", 2)), List.of("epochs", "test_loss")),
        Arguments.of("denoising", "--epochs 1 --limit 256", List.of(loss,
            grid("denoising.png", 3)), List.of("epochs", "test_loss")),
        Arguments.of("sparse", "--epochs 1 --limit 256", List.of(loss,
            new Png("code_histogram.png", 900, 520)),
            List.of("epochs", "test_loss", "mean_code_standard", "mean_code_sparse")),
        Arguments.of("autoencoder-2d", "--epochs 1 --limit 512", List.of(loss,
            new Png("latent.png", 800, 640)), List.of("epochs", "loss", "test_loss")),
        Arguments.of("cnn", "--epochs 1 --limit 128 --batch-size 64", List.of(loss),
            List.of("epochs", "test_loss", "test_accuracy")),
        Arguments.of("cnn-channels-first", "--limit 128", List.of(loss),
            List.of("epochs", "test_loss", "test_accuracy")),
        Arguments.of("rnn", "--steps 5 --limit 200", List.of(loss),
            List.of("steps", "epochs", "test_loss", "test_accuracy")),
        Arguments.of("lstm-regressor", "--steps 5", List.of(loss,
            new Png("prediction.png", 1400, 520)),
            List.of("steps", "epochs", "cost", "rollout_mse")),
        Arguments.of("regressor", "--steps 20", List.of(loss,
            new Png("prediction.png", 800, 520)), List.of("steps", "epochs", "test_loss", "W",
                "b")),
        Arguments.of("mlp", "--epochs 1 --limit 256", List.of(loss),
            List.of("epochs", "test_loss", "test_accuracy")));
  }

  @Test
  void everyTutorialIsTested() {
    assertEquals(Tutorials.all().stream().map(Tutorials.Tutorial::name).toList(),
        tutorials().map(a -> (String) a.get()[0]).toList());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("tutorials")
  void runsQuicklyAndWritesPicturesAndJson(String name, String options, List<Png> pictures,
      List<String> keys) throws IOException {
    Path out = tmp.resolve(name);
    List<String> args = new ArrayList<>(List.of("tutorial", name, "--out", out.toString()));
    args.addAll(Arrays.asList(options.split(" ")));
    args.addAll(List.of("--data", mnistOrSkip().toString()));
    Run r = run(args.toArray(String[]::new));
    assertEquals(0, r.code(), r.err() + r.out());

    List<String> lines = r.lines();
    JsonNode json = JSON.readTree(lines.get(lines.size() - 1));
    assertTrue(json.isObject(), lines.get(lines.size() - 1));
    assertEquals(name, json.path("tutorial").asText());
    List<String> expected = new ArrayList<>(keys);
    expected.add("seconds");
    for (String key : expected) {
      JsonNode v = json.get(key);
      assertNotNull(v, key + " missing from " + json);
      assertTrue(v.isNumber() && Double.isFinite(v.asDouble()), key + " = " + v);
    }

    for (Png p : pictures) {
      Path f = out.resolve(p.file());
      assertTrue(Files.isRegularFile(f), p.file() + " was not written");
      BufferedImage img = ImageIO.read(f.toFile());
      assertNotNull(img, p.file() + " is not a readable PNG");
      if (p.width() > 0) {
        assertEquals(p.width(), img.getWidth(), p.file());
        assertEquals(p.height(), img.getHeight(), p.file());
      } else {
        // ten 84-pixel digits per row, a label column of at most 200 px, a title under 60 px
        int rows = p.height();
        assertTrue(img.getWidth() > GRID_WIDTH && img.getWidth() < GRID_WIDTH + 200,
            p.file() + " width " + img.getWidth());
        int h = rows * 88 + 4;
        assertTrue(img.getHeight() >= h && img.getHeight() < h + 60,
            p.file() + " height " + img.getHeight() + " for " + rows + " rows");
      }
    }
    try (Stream<Path> files = Files.list(out)) {
      assertEquals(pictures.stream().map(Png::file).sorted().toList(),
          files.map(f -> f.getFileName().toString()).sorted().toList(), "files in " + out);
    }
  }

  @Test
  void optionsATutorialDoesNotTakeAreRefused() {
    Run r = run("tutorial", "regressor", "--epochs", "3", "--out", tmp.toString());
    assertEquals(Main.BAD_INPUT, r.code());
    assertTrue(r.err().contains("does not take --epochs (it takes --steps)"), r.err());
    Run unknown = run("tutorial", "gan", "--out", tmp.toString());
    assertEquals(Main.BAD_INPUT, unknown.code());
    assertTrue(unknown.err().contains("no tutorial 'gan'; the tutorials are autoencoder,"),
        unknown.err());
  }

  @Test
  void overridesReachTheTutorialAndTheArticleValuesAreTheDefaults() {
    TutorialRun defaults = new TutorialRun("x", TutorialRun.Options.defaults(tmp),
        System.out);
    assertEquals(12, defaults.epochs(12));
    assertEquals(128, defaults.batchSize(128));
    TutorialRun custom = new TutorialRun("x", TutorialRun.Options.defaults(tmp).withEpochs(2)
        .withBatchSize(16).withSteps(7), System.out);
    assertEquals(2, custom.epochs(12));
    assertEquals(16, custom.batchSize(128));
    assertEquals(7, custom.steps(4001));
    assertEquals(Map.of("tutorial", "x", "epochs", 2),
        JSON.convertValue(custom.result(), Map.class));
  }

  /** Runs the CLI with stdout captured (fit's progress is written to System.out). */
  private static Run run(String... args) {
    PrintStream saved = System.out;
    PrintStream savedErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code;
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      System.setOut(o);
      System.setErr(e);
      code = Main.run(args);
    } finally {
      System.setOut(saved);
      System.setErr(savedErr);
    }
    String o = out.toString(StandardCharsets.UTF_8);
    saved.print(o);
    return new Run(code, o, err.toString(StandardCharsets.UTF_8));
  }

  /** {@code $MNIST_DIR}, else the project's {@code ../shared/data/mnist}; skips when absent. */
  private static Path mnistOrSkip() {
    String env = System.getenv("MNIST_DIR");
    Path dir = env != null && !env.isBlank() ? Paths.get(env)
        : Paths.get("..", "shared", "data", "mnist").toAbsolutePath().normalize();
    boolean present = Files.isRegularFile(dir.resolve("train-images-idx3-ubyte.gz"))
        || Files.isRegularFile(dir.resolve("train-images-idx3-ubyte"));
    assumeTrue(present, "MNIST not found in " + dir + "; set MNIST_DIR");
    return dir;
  }
}
