package org.kerasbridge.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.kerasbridge.KerasBridge;
import org.kerasbridge.fixtures.Fixtures;
import org.kerasbridge.graph.Device;

/** summary() counts parameters as Keras does: the total equals Keras's count_params(). */
class SummaryTest {
  @Test
  void totalParamsEqualKerasForEverySeedModel() {
    int checked = 0;
    for (Fixtures.Fixture f : Fixtures.seeds()) {
      long keras = f.json().path("parameters").asLong(-1);
      try (KerasModel m = KerasBridge.loadKeras(f.dir().resolve("model.keras"), Device.CPU)) {
        assertEquals(keras, m.countParams(), f.name());
        String s = m.summary();
        assertTrue(s.contains(String.format(Locale.ROOT, "Total params: %,d", keras)), s);
        assertTrue(s.contains("Output Shape") && s.contains("Param #"), s);
      }
      checked++;
    }
    assertEquals(11, checked);
  }
}
