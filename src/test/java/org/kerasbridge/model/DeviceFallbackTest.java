package org.kerasbridge.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.kerasbridge.builder.Layers;
import org.kerasbridge.builder.ModelBuilder;
import org.kerasbridge.graph.Device;
import org.kerasbridge.graph.Devices;
import org.kerasbridge.losses.Losses;
import org.kerasbridge.ndarray.NpyArray;
import org.kerasbridge.optimizers.Optimizers;

/** Asking for a GPU where none is usable falls back to CPU, says so, and still trains. */
class DeviceFallbackTest {
  @Test
  void gpuRequestFallsBackAndTrains() {
    try (KerasModel m = ModelBuilder.sequential("tiny").add(Layers.input(3))
        .add(Layers.dense(2)).build(Device.parse("gpu:0"), 1)) {
      Devices.Placement p = m.runtime().placement();
      if (Devices.gpuCount() == 0) {
        assertTrue(p.fellBack(), p.message());
        assertEquals(Device.CPU, p.actual());
        assertTrue(p.message().contains("falling back to CPU"), p.message());
      }
      m.compile(Optimizers.create("sgd", 0.1), Losses.byName("mse", null));
      NpyArray x = NpyArray.ofFloats(new long[] {4, 3}, 1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 1);
      NpyArray y = NpyArray.ofFloats(new long[] {4, 2}, 1, 1, 1, 1, 1, 1, 1, 1);
      double first = m.trainOnBatch(List.of(x), List.of(y), null).get("loss");
      double last = first;
      for (int i = 0; i < 20; i++) {
        Map<String, Double> logs = m.trainOnBatch(List.of(x), List.of(y), null);
        last = logs.get("loss");
      }
      assertTrue(last < first / 2, "trains on the fallback device: " + first + " -> " + last);
      assertEquals(21, m.optimizer().iterations());
    }
  }
}
