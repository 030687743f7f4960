package org.kerasbridge.data;

import java.util.AbstractList;
import org.kerasbridge.InvalidInputException;
import org.kerasbridge.ndarray.NpyArray;

/**
 * Inputs and targets cut into mini-batches along axis 0, as Keras's {@code fit} does: batches of
 * {@code batchSize} rows in order, the last one holding the remainder. Batches share the bytes of
 * the arrays they come from. For an autoencoder pass the inputs as targets too.
 *
 * <pre>{@code
 * for (int epoch = 0; epoch < epochs; epoch++) {
 *   for (Batches.Batch b : Batches.of(x, y, 128).shuffled(seed + epoch)) { ... }
 * }
 * }</pre>
 */
public final class Batches extends AbstractList<Batches.Batch> {
  /** Batch number {@code index}: rows {@code [index * batchSize, ...)} of x and y. */
  public record Batch(int index, NpyArray x, NpyArray y) {
    public int size() {
      return Math.toIntExact(x.shape()[0]);
    }
  }

  private final NpyArray x;
  private final NpyArray y;
  private final int batchSize;
  private final int rows;

  private Batches(NpyArray x, NpyArray y, int batchSize) {
    this.x = x;
    this.y = y;
    this.batchSize = batchSize;
    this.rows = Math.toIntExact(x.shape()[0]);
  }

  public static Batches of(NpyArray x, NpyArray y, int batchSize) {
    if (batchSize <= 0) {
      throw new InvalidInputException("batch size must be positive, got " + batchSize);
    }
    if (x.rank() == 0 || y.rank() == 0 || x.shape()[0] != y.shape()[0]) {
      throw new InvalidInputException("inputs " + x + " and targets " + y
          + " must have the same number of rows");
    }
    return new Batches(x, y, batchSize);
  }

  /** The same batches over rows shuffled by {@link Preprocess#permutation}{@code (n, seed)}. */
  public Batches shuffled(long seed) {
    int[] p = Preprocess.permutation(rows, seed);
    return new Batches(Preprocess.takeRows(x, p), Preprocess.takeRows(y, p), batchSize);
  }

  public int batchSize() {
    return batchSize;
  }

  /** The number of batches, {@code ceil(rows / batchSize)}. */
  @Override
  public int size() {
    return (rows + batchSize - 1) / batchSize;
  }

  @Override
  public Batch get(int i) {
    if (i < 0 || i >= size()) {
      throw new IndexOutOfBoundsException("batch " + i + " of " + size());
    }
    int from = i * batchSize;
    int to = Math.min(rows, from + batchSize);
    return new Batch(i, x.sliceRows(from, to), y.sliceRows(from, to));
  }
}
