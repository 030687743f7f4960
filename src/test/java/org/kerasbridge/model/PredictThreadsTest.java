package org.kerasbridge.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.kerasbridge.KerasBridge;
import org.kerasbridge.fixtures.Fixtures;
import org.kerasbridge.graph.Device;
import org.kerasbridge.io.savedmodel.SavedModel;
import org.kerasbridge.ndarray.Npy;
import org.kerasbridge.ndarray.NpyArray;

/**
 * The thread-safety rules of {@link KerasModel} and {@link InferenceModel}: 8 threads predicting
 * on one model get exactly the serial results; predicting while another thread trains is safe;
 * a second trainer is refused; nothing runs after close.
 */
class PredictThreadsTest {
  private static final int THREADS = 8;
  private static final int CALLS = 40;

  /** Distinct inputs per thread: row shifts of the probe input, several batch sizes. */
  private static List<NpyArray> inputs(NpyArray x) {
    List<NpyArray> out = new ArrayList<>();
    long rows = x.shape()[0];
    for (int t = 0; t < THREADS; t++) {
      float[] f = x.toFloatArray();
      for (int i = 0; i < f.length; i++) {
        f[i] = f[i] * (1 + 0.1f * t) - 0.05f * t;
      }
      long keep = 1 + (t % (int) rows);
      out.add(NpyArray.ofFloats(x.shape(), f).sliceRows(0, keep));
    }
    return out;
  }

  private static void concurrentEqualsSerial(InferenceModel m, NpyArray x) throws Exception {
    List<NpyArray> ins = inputs(x);
    List<float[]> serial = new ArrayList<>();
    for (NpyArray in : ins) {
      serial.add(m.predict(List.of(in), 3).get(0).toFloatArray());
    }
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Integer>> done = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        int tt = t;
        done.add(pool.submit(() -> {
          start.await();
          for (int c = 0; c < CALLS; c++) {
            // every thread cycles through every input, so threads collide on the same shapes
            int k = (tt + c) % THREADS;
            float[] got = m.predict(List.of(ins.get(k)), 3).get(0).toFloatArray();
            assertArrayEquals(serial.get(k), got, "thread " + tt + " call " + c + " input " + k);
          }
          return CALLS;
        }));
      }
      start.countDown();
      int calls = 0;
      for (Future<Integer> f : done) {
        calls += f.get(120, TimeUnit.SECONDS);
      }
      assertEquals(THREADS * CALLS, calls);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void eightThreadsPredictExactlyAsSerial() throws Exception {
    for (String name : List.of("mlp_classifier", "mnist_cnn")) {
      Path dir = Fixtures.models().resolve(name);
      NpyArray x = Npy.read(dir.resolve("input_0.npy"));
      try (KerasModel m = KerasBridge.loadKeras(dir.resolve("model.keras"), Device.CPU)) {
        concurrentEqualsSerial(m, x);
      }
      try (SavedModel sm = SavedModel.load(dir.resolve("saved_model"))) {
        concurrentEqualsSerial(sm, x);
      }
    }
  }

  /** The first trace of a new shape happens while other threads predict: still exact. */
  @Test
  void variableLengthModelTracesUnderConcurrency() throws Exception {
    Path dir = Fixtures.models().resolve("rnn_classifier");
    NpyArray x = Npy.read(dir.resolve("input_0.npy"));
    try (KerasModel m = KerasBridge.loadKeras(dir.resolve("model.keras"), Device.CPU)) {
      concurrentEqualsSerial(m, x);
    }
  }

  @Test
  void predictDuringFitIsSafeAndASecondTrainerIsRefused() throws Exception {
    Path dir = Fixtures.models().resolve("mlp_classifier");
    NpyArray x = Npy.read(dir.resolve("input_0.npy"));
    NpyArray y = Npy.read(dir.resolve("output_0.npy"));
    try (KerasModel m = KerasBridge.loadKeras(dir.resolve("model.keras"), Device.CPU)) {
      m.compileFromFile();
      CountDownLatch inFit = new CountDownLatch(1);
      CountDownLatch checked = new CountDownLatch(1);
      Callback pause = new Callback() {
        @Override
        public void onTrainBatchEnd(KerasModel model, int batch, Map<String, Double> logs) {
          if (inFit.getCount() > 0) {
            inFit.countDown();
            try {
              checked.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
        }
      };
      ExecutorService pool = Executors.newFixedThreadPool(2);
      try {
        Future<History> fit = pool.submit(() -> m.fit(List.of(x), List.of(y),
            FitOptions.defaults().setEpochs(10).setBatchSize(2).optShuffle(false)
                .optVerbose(false).addCallback(pause)));
        assertTrue(inFit.await(60, TimeUnit.SECONDS), "fit started");
        // fit is paused between two steps: another trainer is refused, predict works
        ConcurrentUseException e = assertThrows(ConcurrentUseException.class,
            () -> m.trainOnBatch(List.of(x), List.of(y), null));
        assertTrue(e.getMessage().contains("is training this model"), e.getMessage());
        assertThrows(ConcurrentUseException.class, () -> m.fit(List.of(x), List.of(y),
            FitOptions.defaults().optVerbose(false)));
        assertThrows(ConcurrentUseException.class, () -> m.evaluate(List.of(x), List.of(y), 4));
        checked.countDown();
        // and predicts keep running while fit trains
        Future<Integer> predicts = pool.submit(() -> {
          int n = 0;
          while (!fit.isDone()) {
            for (float v : m.predict(List.of(x)).get(0).toFloatArray()) {
              assertTrue(Float.isFinite(v));
            }
            n++;
          }
          return n;
        });
        History h = fit.get(120, TimeUnit.SECONDS);
        assertEquals(10, h.epochs().size());
        assertTrue(predicts.get(60, TimeUnit.SECONDS) >= 0);
      } finally {
        checked.countDown();
        pool.shutdownNow();
      }
      // training is allowed again once fit returned
      long after = m.optimizer().iterations();
      m.trainOnBatch(List.of(x), List.of(y), null);
      assertEquals(after + 1, m.optimizer().iterations());
    }
  }

  @Test
  void nothingRunsAfterClose() {
    Path dir = Fixtures.models().resolve("mlp_classifier");
    NpyArray x = Npy.read(dir.resolve("input_0.npy"));
    KerasModel m = KerasBridge.loadKeras(dir.resolve("model.keras"), Device.CPU);
    m.predict(List.of(x));
    m.close();
    ConcurrentUseException e = assertThrows(ConcurrentUseException.class,
        () -> m.predict(List.of(x)));
    assertTrue(e.getMessage().contains("closed"), e.getMessage());
    SavedModel sm = SavedModel.load(dir.resolve("saved_model"));
    sm.close();
    assertThrows(ConcurrentUseException.class, () -> sm.predict(List.of(x)));
  }
}
