package org.kerasbridge.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.kerasbridge.io.KerasJson;

/**
 * The general config getters refuse values from a file that must never reach a TensorFlow op,
 * naming the layer, the argument and what was expected.
 */
class LayerConfigValidationTest {
  private static LayerConfig config(String json, Problems p) {
    JsonNode n = KerasJson.parse(json, "test", "config");
    return new LayerConfig("Dense", n, p, "3.15.1");
  }

  @Test
  void positiveIntRefusesZeroNegativeFractionalHugeAndNonNumbers() {
    for (String v : new String[] {"0", "-1", "1.5", "\"x\"", "1e10", "true", "2147483648",
        "[]"}) {
      Problems p = new Problems("model.keras");
      int got = config("{\"name\": \"d\", \"units\": " + v + "}", p).requirePositiveInt("units");
      assertEquals(1, got, v);
      assertEquals(1, p.items().size(), v + ": " + p.items());
      String m = p.items().get(0);
      assertTrue(m.contains("layer 'd' (Dense)") && m.contains("'units'")
          && m.contains("a positive whole number"), m);
    }
    Problems ok = new Problems("model.keras");
    assertEquals(7, config("{\"units\": 7}", ok).requirePositiveInt("units"));
    assertEquals(8, config("{\"units\": 8.0}", ok).requirePositiveInt("units"));
    assertTrue(ok.isEmpty(), ok.items().toString());
    Problems missing = new Problems("model.keras");
    config("{\"name\": \"d\"}", missing).requirePositiveInt("units");
    assertTrue(missing.items().get(0).contains("'units' is missing"), missing.items().toString());
  }

  @Test
  void positiveIntTupleRefusesNonPositiveEntries() {
    int[] dflt = {1, 1};
    for (String v : new String[] {"0", "[1, 0]", "[-2, 3]", "[1, 2, 3]", "[1, 4294967297]",
        "\"same\""}) {
      Problems p = new Problems("model.h5");
      int[] got = config("{\"name\": \"c\", \"strides\": " + v + "}", p)
          .getPositiveIntTuple("strides", 2, dflt);
      assertArrayEquals(dflt, got, v);
      assertEquals(1, p.items().size(), v + ": " + p.items());
      assertTrue(p.items().get(0).contains("'strides'"), p.items().toString());
    }
    Problems ok = new Problems("model.h5");
    assertArrayEquals(new int[] {2, 3}, config("{\"strides\": [2, 3]}", ok)
        .getPositiveIntTuple("strides", 2, dflt));
    assertArrayEquals(new int[] {4, 4}, config("{\"strides\": 4}", ok)
        .getPositiveIntTuple("strides", 2, dflt));
    assertTrue(ok.isEmpty());
  }

  @Test
  void shapesRefuseNegativeZeroHugeAndTooManyDimensions() {
    StringBuilder deep = new StringBuilder("[null");
    for (int i = 0; i < LayerConfig.MAX_RANK + 1; i++) {
      deep.append(", 1");
    }
    for (String v : new String[] {"[null, -3]", "[null, 0]", "[null, 1e12]", "[null, \"4\"]",
        "[null, 2.5]", deep + "]", "5"}) {
      Problems p = new Problems("model.keras");
      assertNull(config("{\"name\": \"in\", \"batch_shape\": " + v + "}", p)
          .getShape("batch_shape"), v);
      assertEquals(1, p.items().size(), v + ": " + p.items());
      assertTrue(p.items().get(0).contains("'batch_shape'"), p.items().toString());
    }
    Problems ok = new Problems("model.keras");
    assertArrayEquals(new long[] {-1, 28, 28, 1}, config("{\"batch_shape\": [null, 28, 28, 1]}",
        ok).getShape("batch_shape"));
    assertTrue(ok.isEmpty());
  }
}
