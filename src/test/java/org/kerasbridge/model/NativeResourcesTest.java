package org.kerasbridge.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.kerasbridge.KerasBridge;
import org.kerasbridge.fixtures.Fixtures;
import org.kerasbridge.graph.Device;
import org.kerasbridge.ndarray.Npy;
import org.kerasbridge.ndarray.NpyArray;

/**
 * Native memory is released deterministically: a long predict loop does not grow the process,
 * and models opened and closed in a loop do not accumulate sessions or graphs.
 *
 * <p>The process's RSS moves up and down by tens of MB as the native allocator keeps and returns
 * arenas and the Java heap touches its pages, so a single before/after difference is noise. Each
 * check samples RSS minus the committed Java heap, after a GC, in windows, and compares the lowest
 * value of the last windows with the lowest of the first: a leak raises the floor steadily,
 * allocator spikes do not.
 */
class NativeResourcesTest {
  private static final int WINDOWS = 8;
  private static final long MAX_FLOOR_RISE_KB = 20_000;

  /**
   * Resident memory outside the Java heap (KB): RSS minus the heap the JVM has committed, so that
   * the heap growing to its working size is not mistaken for a native leak.
   */
  static long rssKb() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        long rss = Long.parseLong(line.replaceAll("[^0-9]", ""));
        return rss - Runtime.getRuntime().totalMemory() / 1024;
      }
    }
    throw new IllegalStateException("no VmRSS");
  }

  interface Work {
    void run() throws Exception;
  }

  /** Runs {@code work} in windows and returns how far the RSS floor rose (KB). */
  static long floorRise(int perWindow, Work work) throws Exception {
    List<Long> floors = new ArrayList<>();
    for (int w = 0; w < WINDOWS; w++) {
      long floor = Long.MAX_VALUE;
      for (int i = 0; i < perWindow; i++) {
        work.run();
        if (i % 5 == 4) {
          // Java's own garbage (and JavaCPP's GC-released argument arrays) out of the way, so
          // what stays is what KerasBridge failed to close
          System.gc();
          floor = Math.min(floor, rssKb());
        }
      }
      floors.add(floor);
    }
    System.out.println("native RSS floors (KB) per window: " + floors);
    long early = Math.min(floors.get(0), Math.min(floors.get(1), floors.get(2)));
    long late = Math.min(floors.get(WINDOWS - 1), Math.min(floors.get(WINDOWS - 2),
        floors.get(WINDOWS - 3)));
    return late - early;
  }

  @Test
  void longPredictLoopDoesNotGrow() throws Exception {
    Path model = Fixtures.models().resolve("mnist_cnn/model.keras");
    NpyArray x = Npy.read(Fixtures.models().resolve("mnist_cnn/input_0.npy"));
    try (KerasModel m = KerasBridge.loadKeras(model, Device.CPU)) {
      for (int i = 0; i < 200; i++) {
        m.predict(List.of(x));
      }
      // 8 windows of 400 calls; each call feeds 25 KB and fetches 320 B: leaking either
      // would raise the floor by >= 50 MB between the early and the late windows
      long rise = floorRise(400, () -> m.predict(List.of(x)));
      assertTrue(rise < MAX_FLOOR_RISE_KB, "RSS floor rose " + rise + " KB");
    }
  }

  /** close() releases the graph and the session: using them afterwards fails. */
  @Test
  void closeReleasesGraphAndSession() {
    KerasModel m = KerasBridge.loadKeras(Fixtures.models().resolve("mlp_classifier/model.keras"),
        Device.CPU);
    org.tensorflow.Graph g = m.runtime().graph();
    org.tensorflow.Session s = m.runtime().session();
    m.close();
    m.close(); // idempotent
    org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
        () -> g.operations().next());
    org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
        () -> s.runner().run());
  }

  @Test
  void openingAndClosingModelsDoesNotAccumulate() throws Exception {
    Path model = Fixtures.models().resolve("mlp_classifier/model.keras");
    NpyArray x = Npy.read(Fixtures.models().resolve("mlp_classifier/input_0.npy"));
    Work once = () -> {
      try (KerasModel m = KerasBridge.loadKeras(model, Device.CPU)) {
        m.predict(List.of(x));
      }
    };
    for (int i = 0; i < 60; i++) {
      once.run();
    }
    // 8 windows of 20 models; a graph, session or weight tensor (100 KB) left behind per model
    // would raise the floor by >= 10 MB, a session's thread pools far more
    long rise = floorRise(20, once);
    assertTrue(rise < MAX_FLOOR_RISE_KB, "RSS floor rose " + rise + " KB");
  }
}
