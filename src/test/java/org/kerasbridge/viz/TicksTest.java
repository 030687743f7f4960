package org.kerasbridge.viz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class TicksTest {
  @Test
  void niceSteps() {
    Ticks t = Ticks.covering(0.093, 0.31, 6, false);
    assertEquals(0.05, t.step, 1e-12);
    assertEquals(0.05, t.lo, 1e-12);
    assertEquals(0.35, t.hi, 1e-12);
    assertEquals("0.10", t.label(0.1));
    Ticks epochs = Ticks.covering(1, 5, 8, true);
    assertEquals(1, epochs.step, 0);
    assertArrayEquals(new double[] {1, 2, 3, 4, 5}, epochs.values(), 0);
    assertEquals("3", epochs.label(3));
    Ticks sym = Ticks.covering(-1.2, 1.2, 5, false);
    assertEquals(-1.5, sym.lo, 1e-12);
    assertEquals("0.0", sym.label(sym.lo + 3 * sym.step));
    assertEquals("0.0", sym.label(-0.0));
    assertEquals("-1.0", sym.label(-1.0));
    Ticks flat = Ticks.covering(2, 2, 5, false);
    assertEquals(true, flat.lo < 2 && flat.hi > 2);
    Ticks big = Ticks.covering(0, 1e6, 5, false);
    assertEquals("1e+06", big.label(1e6));
    assertEquals("0", big.label(0));
    Ticks tiny = Ticks.covering(0, 3e-4, 7, false);
    assertEquals(5e-5, tiny.step, 1e-18);
    assertEquals("1.5e-04", tiny.label(1.5e-4));
  }
}
