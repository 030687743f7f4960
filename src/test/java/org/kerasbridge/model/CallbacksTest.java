package org.kerasbridge.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kerasbridge.builder.Layers;
import org.kerasbridge.builder.ModelBuilder;
import org.kerasbridge.graph.Device;
import org.kerasbridge.losses.Losses;
import org.kerasbridge.ndarray.NpyArray;
import org.kerasbridge.optimizers.Optimizers;

class CallbacksTest {
  @TempDir
  Path tmp;

  private static KerasModel tiny() {
    KerasModel m = ModelBuilder.sequential("tiny").add(Layers.input(2)).add(Layers.dense(1))
        .build(Device.CPU, 3);
    m.compile(Optimizers.create("sgd", 0.1), Losses.byName("mse", null));
    return m;
  }

  private static final NpyArray X = NpyArray.ofFloats(new long[] {8, 2},
      1, 0, 0, 1, 1, 1, 2, 0, 0, 2, 2, 1, 1, 2, 2, 2);
  private static final NpyArray Y = NpyArray.ofFloats(new long[] {8, 1},
      1, 2, 3, 2, 4, 4, 5, 6);

  @Test
  void learningRateSchedulerSetsTheRateEachEpoch() {
    try (KerasModel m = tiny()) {
      History h = m.fit(List.of(X), List.of(Y), FitOptions.defaults().setEpochs(3)
          .setBatchSize(4).optVerbose(false)
          .addCallback(new LearningRateScheduler((epoch, lr) -> 0.1 / (1 + epoch))));
      List<Double> lr = h.get("learning_rate");
      assertEquals(3, lr.size());
      // the rate lives in a float32 variable, as Keras keeps it
      assertEquals(0.1, lr.get(0), 1e-7);
      assertEquals(0.05, lr.get(1), 1e-7);
      assertEquals(0.1 / 3, lr.get(2), 1e-7);
      assertEquals(0.1 / 3, m.optimizer().learningRate(), 1e-7);
    }
  }

  @Test
  void earlyStoppingStopsWhenTheMonitorStalls() {
    try (KerasModel m = tiny()) {
      EarlyStopping es = new EarlyStopping("loss", 1e9, 2, "min", false);
      History h = m.fit(List.of(X), List.of(Y), FitOptions.defaults().setEpochs(20)
          .setBatchSize(8).optVerbose(false).addCallback(es));
      // min_delta is huge, so no epoch after the first improves: stop after patience epochs
      assertEquals(3, h.get("loss").size(), h.toString());
      assertEquals(2, es.stoppedEpoch());
    }
  }

  @Test
  void modelCheckpointWritesLoadableModels() {
    try (KerasModel m = tiny()) {
      m.fit(List.of(X), List.of(Y), FitOptions.defaults().setEpochs(2).setBatchSize(4)
          .optVerbose(false).addCallback(new ModelCheckpoint(
              tmp.resolve("ckpt_{epoch}.keras").toString(), "loss", false)));
      for (String f : List.of("ckpt_01.keras", "ckpt_02.keras")) {
        assertTrue(Files.exists(tmp.resolve(f)), f);
      }
      try (KerasModel back = org.kerasbridge.KerasBridge.loadKeras(tmp.resolve("ckpt_02.keras"),
          Device.CPU)) {
        assertEquals(m.weightValues(), back.weightValues());
      }
    }
  }

  @Test
  void csvLoggerWritesOneRowPerEpoch() throws Exception {
    Path csv = tmp.resolve("log.csv");
    try (KerasModel m = tiny()) {
      m.fit(List.of(X), List.of(Y), FitOptions.defaults().setEpochs(3).setBatchSize(4)
          .optValidationSplit(0.25).optVerbose(false).addCallback(new CsvLogger(csv, false)));
    }
    List<String> lines = Files.readAllLines(csv);
    assertEquals("epoch,loss,val_loss", lines.get(0));
    assertEquals(4, lines.size());
    assertTrue(lines.get(3).startsWith("2,"), lines.toString());
  }
}
