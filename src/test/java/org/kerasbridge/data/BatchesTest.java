package org.kerasbridge.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.kerasbridge.InvalidInputException;
import org.kerasbridge.ndarray.NpyArray;

class BatchesTest {
  private static NpyArray rows(int n) {
    float[] v = new float[n * 2];
    for (int i = 0; i < n; i++) {
      v[2 * i] = i;
      v[2 * i + 1] = -i;
    }
    return NpyArray.ofFloats(new long[] {n, 2}, v);
  }

  private static NpyArray ids(int n) {
    int[] v = new int[n];
    for (int i = 0; i < n; i++) {
      v[i] = i;
    }
    return NpyArray.ofInts(new long[] {n}, v);
  }

  @Test
  void batchesCoverTheRowsInOrderWithARemainder() {
    Batches b = Batches.of(rows(10), ids(10), 4);
    assertEquals(3, b.size());
    assertEquals(List.of(4, 4, 2), b.stream().map(Batches.Batch::size).toList());
    assertArrayEquals(new float[] {8, -8, 9, -9}, b.get(2).x().toFloatArray());
    assertEquals(2, b.get(2).index());
  }

  @Test
  void shuffledKeepsInputsAndTargetsTogether() {
    Batches b = Batches.of(rows(100), ids(100), 32).shuffled(5);
    List<Integer> seen = new ArrayList<>();
    for (Batches.Batch batch : b) {
      float[] x = batch.x().toFloatArray();
      for (int i = 0; i < batch.size(); i++) {
        int id = (int) batch.y().getDouble(i);
        assertEquals(id, x[2 * i], 0f);
        seen.add(id);
      }
    }
    assertEquals(100, seen.size());
    assertEquals(100, seen.stream().distinct().count());
    assertNotEquals(seen, seen.stream().sorted().toList());
    assertEquals(Batches.of(rows(100), ids(100), 32).shuffled(5), b);
  }

  @Test
  void mismatchedRowsAreRejected() {
    assertThrows(InvalidInputException.class, () -> Batches.of(rows(3), ids(4), 2));
    assertThrows(InvalidInputException.class, () -> Batches.of(rows(3), ids(3), 0));
  }
}
