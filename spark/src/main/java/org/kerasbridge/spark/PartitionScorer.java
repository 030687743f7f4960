package org.kerasbridge.spark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.util.SerializableConfiguration;
import org.kerasbridge.ndarray.DType;
import org.kerasbridge.ndarray.NpyArray;

/**
 * Scores one partition: reads rows in batches of {@code batchSize}, converts each input column
 * into the model's input arrays, runs the JVM's shared model once per batch, and returns every
 * input row with the outputs appended (as {@code array<float>}, one row's output flattened).
 * Rows are pulled lazily: a partition is never held in memory, only one batch.
 */
final class PartitionScorer implements MapPartitionsFunction<Row, Row> {
  private static final long serialVersionUID = 1L;

  private final String path;
  private final String checksum;
  private final String device;
  private final SerializableConfiguration conf;
  private final int[] columnIndex;
  private final InputColumn[] columns;
  private final int outputs;
  private final int batchSize;
  private final boolean nullOnError;

  PartitionScorer(String path, String checksum, String device, SerializableConfiguration conf,
      int[] columnIndex, InputColumn[] columns, int outputs, int batchSize, boolean nullOnError) {
    this.path = path;
    this.checksum = checksum;
    this.device = device;
    this.conf = conf;
    this.columnIndex = columnIndex;
    this.columns = columns;
    this.outputs = outputs;
    this.batchSize = batchSize;
    this.nullOnError = nullOnError;
  }

  @Override
  public Iterator<Row> call(Iterator<Row> rows) {
    SharedModel model = ModelCache.get(path, checksum,
        KerasModelTransformer.taskDevice(device), conf.value());
    TaskContext tc = TaskContext.get();
    int partition = tc == null ? -1 : tc.partitionId();
    return new Iterator<>() {
      private final List<Row> in = new ArrayList<>(batchSize);
      private List<Row> out = List.of();
      private int next;
      private long seen;

      @Override
      public boolean hasNext() {
        while (next >= out.size()) {
          if (!rows.hasNext()) {
            return false;
          }
          in.clear();
          while (in.size() < batchSize && rows.hasNext()) {
            in.add(rows.next());
          }
          out = score(model, in, partition, seen);
          seen += in.size();
          next = 0;
        }
        return true;
      }

      @Override
      public Row next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return out.get(next++);
      }
    };
  }

  /** Scores one batch of rows; {@code first} is the partition's index of {@code batch.get(0)}. */
  List<Row> score(SharedModel model, List<Row> batch, int partition, long first) {
    int n = batch.size();
    float[][] floats = new float[columns.length][];
    double[][] doubles = new double[columns.length][];
    for (int j = 0; j < columns.length; j++) {
      if (columns[j].dtype == DType.FLOAT32) {
        floats[j] = new float[n * columns[j].perRow];
      } else {
        doubles[j] = new double[n * columns[j].perRow];
      }
    }
    String[] errors = new String[n];
    int[] good = new int[n];
    int g = 0;
    for (int k = 0; k < n; k++) {
      Row row = batch.get(k);
      try {
        for (int j = 0; j < columns.length; j++) {
          columns[j].fill(row.get(columnIndex[j]), floats[j], doubles[j],
              g * columns[j].perRow);
        }
        good[g++] = k;
      } catch (InputColumn.BadRow e) {
        if (!nullOnError) {
          throw new KerasSparkException(e.getMessage() + " (model " + path + ", partition "
              + partition + ", row " + (first + k) + " of the partition; set onError=null to"
              + " get a null output and the error in a column instead)");
        }
        errors[k] = e.getMessage();
      }
    }
    float[][] results = new float[n][];
    int[] perRowOut = new int[outputs];
    if (g > 0) {
      List<NpyArray> xs = inputs(floats, doubles, good, 0, g);
      try {
        spread(model.predict(xs, batchSize), good, 0, g, results, perRowOut);
      } catch (RuntimeException e) {
        if (!nullOnError) {
          throw new KerasSparkException("model " + path + " failed on a batch of " + g
              + " rows (partition " + partition + ", rows " + first + " to " + (first + n - 1)
              + "): " + e.getMessage(), e);
        }
        // Find the rows that fail, one at a time.
        for (int i = 0; i < g; i++) {
          try {
            spread(model.predict(inputs(floats, doubles, good, i, i + 1), 1), good, i, i + 1,
                results, perRowOut);
          } catch (RuntimeException e1) {
            errors[good[i]] = "model " + path + ": " + e1.getMessage();
          }
        }
      }
    }
    List<Row> out = new ArrayList<>(n);
    int extra = outputs + (nullOnError ? 1 : 0);
    for (int k = 0; k < n; k++) {
      Row row = batch.get(k);
      int w = row.length();
      Object[] v = new Object[w + extra];
      for (int i = 0; i < w; i++) {
        v[i] = row.get(i);
      }
      if (results[k] != null) {
        int off = 0;
        for (int o = 0; o < outputs; o++) {
          v[w + o] = Arrays.copyOfRange(results[k], off, off + perRowOut[o]);
          off += perRowOut[o];
        }
      }
      if (nullOnError) {
        v[w + outputs] = errors[k];
      }
      out.add(RowFactory.create(v));
    }
    return out;
  }

  /** The model inputs for good rows {@code [from, to)} (indices into the filled buffers). */
  private List<NpyArray> inputs(float[][] floats, double[][] doubles, int[] good, int from,
      int to) {
    List<NpyArray> xs = new ArrayList<>(columns.length);
    for (int j = 0; j < columns.length; j++) {
      InputColumn c = columns[j];
      long[] shape = c.shape.clone();
      shape[0] = to - from;
      int a = from * c.perRow;
      int b = to * c.perRow;
      if (floats[j] != null) {
        xs.add(NpyArray.ofFloats(shape, Arrays.copyOfRange(floats[j], a, b)));
      } else {
        xs.add(NpyArray.ofDoubles(shape, Arrays.copyOfRange(doubles[j], a, b)).castTo(c.dtype));
      }
    }
    return xs;
  }

  /**
   * Puts each good row's outputs, all outputs concatenated, into {@code results[row]}; records
   * each output's values per row.
   */
  private void spread(List<NpyArray> ys, int[] good, int from, int to, float[][] results,
      int[] perRowOut) {
    int rows = to - from;
    float[][] vals = new float[outputs][];
    int total = 0;
    for (int o = 0; o < outputs; o++) {
      vals[o] = ys.get(o).castTo(DType.FLOAT32).toFloatArray();
      perRowOut[o] = vals[o].length / rows;
      total += perRowOut[o];
    }
    for (int i = 0; i < rows; i++) {
      float[] r = new float[total];
      int off = 0;
      for (int o = 0; o < outputs; o++) {
        System.arraycopy(vals[o], i * perRowOut[o], r, off, perRowOut[o]);
        off += perRowOut[o];
      }
      results[good[from + i]] = r;
    }
  }
}
