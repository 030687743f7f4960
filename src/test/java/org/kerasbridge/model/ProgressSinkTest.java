package org.kerasbridge.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.kerasbridge.builder.Layers;
import org.kerasbridge.builder.ModelBuilder;
import org.kerasbridge.graph.Device;
import org.kerasbridge.losses.Losses;
import org.kerasbridge.ndarray.NpyArray;
import org.kerasbridge.optimizers.Optimizers;

/** fit reports through a ProgressSink and never writes to stdout on its own. */
class ProgressSinkTest {
  private static final NpyArray X = NpyArray.ofFloats(new long[] {10, 2},
      0, 1, 1, 0, 1, 1, 0, 0, 2, 1, 1, 2, 2, 2, 0, 2, 2, 0, 3, 1);
  private static final NpyArray Y = NpyArray.ofFloats(new long[] {10, 1},
      1, 1, 2, 0, 3, 3, 4, 2, 2, 4);

  private static KerasModel model() {
    KerasModel m = ModelBuilder.sequential("tiny").add(Layers.input(2)).add(Layers.dense(1))
        .build(Device.CPU, 1);
    m.compile(Optimizers.create("sgd", 0.01), Losses.byName("mse", null));
    return m;
  }

  /** Records every call as one string. */
  private static final class Recorder implements ProgressSink {
    final List<String> calls = new ArrayList<>();

    @Override
    public void epochBegin(int epoch, int epochs, int steps) {
      calls.add("begin " + epoch + "/" + epochs + " steps " + steps);
    }

    @Override
    public void batchEnd(int step, int steps, Map<String, Double> logs) {
      calls.add("batch " + step + "/" + steps + " " + logs.keySet());
    }

    @Override
    public void epochEnd(int epoch, int epochs, Map<String, Double> logs) {
      calls.add("end " + epoch + " " + new java.util.TreeSet<>(logs.keySet()));
    }
  }

  @Test
  void fitReportsEachEpochAndBatchToTheSink() {
    Recorder r = new Recorder();
    try (KerasModel m = model()) {
      m.fit(List.of(X), List.of(Y), FitOptions.defaults().setEpochs(2).setBatchSize(4)
          .optValidationSplit(0.2).optProgress(r));
    }
    // 8 training rows in batches of 4: 2 steps per epoch; validation on the last 2 rows
    assertEquals(List.of("begin 0/2 steps 2", "batch 1/2 [loss]", "batch 2/2 [loss]",
        "end 0 [loss, val_loss]", "begin 1/2 steps 2", "batch 1/2 [loss]", "batch 2/2 [loss]",
        "end 1 [loss, val_loss]"), r.calls);
  }

  @Test
  void notVerboseReportsNothing() {
    Recorder r = new Recorder();
    try (KerasModel m = model()) {
      m.fit(List.of(X), List.of(Y), FitOptions.defaults().optProgress(r).optVerbose(false));
    }
    assertEquals(List.of(), r.calls);
  }

  @Test
  void consoleSinkPrintsKerasProgressAndTheDefaultPrintsNothingOnStdout() {
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    PrintStream saved = System.out;
    ProgressSink savedDefault = ProgressSink.getDefault();
    System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
    ProgressSink.setDefault(null); // the library default: SLF4J
    try (KerasModel m = model()) {
      m.fit(List.of(X), List.of(Y), FitOptions.defaults().setEpochs(2).setBatchSize(5)
          .optProgress(ProgressSink.console(new PrintStream(console, true,
              StandardCharsets.UTF_8))));
      m.fit(List.of(X), List.of(Y), FitOptions.defaults().setEpochs(1));
    } finally {
      System.setOut(saved);
      ProgressSink.setDefault(savedDefault);
    }
    String text = console.toString(StandardCharsets.UTF_8);
    assertTrue(text.startsWith("Epoch 1/2\n2/2 ━━━━━━━━━━━━━━━━━━━━ "), text);
    assertTrue(text.contains("\nEpoch 2/2\n2/2 ━━━━"), text);
    assertTrue(text.matches("(?s).* - loss: \\d\\.\\d{4}\n$"), text);
    assertEquals("", stdout.toString(StandardCharsets.UTF_8), "fit wrote to stdout by itself");
  }
}
