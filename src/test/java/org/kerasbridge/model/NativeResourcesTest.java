package org.kerasbridge.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.kerasbridge.KerasBridge;
import org.kerasbridge.fixtures.Fixtures;
import org.kerasbridge.graph.Device;
import org.kerasbridge.ndarray.NpyArray;

/**
 * Native memory is released deterministically: a long predict loop does not grow the process,
 * and models opened and closed in a loop do not accumulate sessions or graphs.
 */
class NativeResourcesTest {
  static long rssKb() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new IllegalStateException("no VmRSS");
  }

  @Test
  void longPredictLoopDoesNotGrow() throws IOException {
    Path model = Fixtures.models().resolve("mnist_cnn/model.keras");
    NpyArray x = Npy.read(Fixtures.models().resolve("mnist_cnn/input_0.npy"));
    try (KerasModel m = KerasBridge.loadKeras(model, Device.CPU)) {
      for (int i = 0; i < 300; i++) {
        m.predict(List.of(x));
      }
      System.gc();
      long before = rssKb();
      for (int i = 0; i < 3000; i++) {
        m.predict(List.of(x));
      }
      System.gc();
      long after = rssKb();
      // 3000 calls each feed 25 KB and fetch 320 B: a leak of either would add >= 75 MB.
      assertTrue(after - before < 30_000, "RSS grew " + (after - before) + " KB over 3000 calls");
    }
  }

  @Test
  void openingAndClosingModelsDoesNotAccumulate() throws IOException {
    Path model = Fixtures.models().resolve("mlp_classifier/model.keras");
    NpyArray x = Npy.read(Fixtures.models().resolve("mlp_classifier/input_0.npy"));
    for (int i = 0; i < 10; i++) {
      try (KerasModel m = KerasBridge.loadKeras(model, Device.CPU)) {
        m.predict(List.of(x));
      }
    }
    System.gc();
    long before = rssKb();
    for (int i = 0; i < 60; i++) {
      try (KerasModel m = KerasBridge.loadKeras(model, Device.CPU)) {
        m.predict(List.of(x));
      }
    }
    System.gc();
    long after = rssKb();
    assertTrue(after - before < 40_000, "RSS grew " + (after - before) + " KB over 60 models");
  }

  private static final class Npy {
    static NpyArray read(Path p) {
      return org.kerasbridge.ndarray.Npy.read(p);
    }
  }
}
