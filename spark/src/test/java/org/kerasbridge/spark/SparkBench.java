package org.kerasbridge.spark;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.kerasbridge.KerasBridge;
import org.kerasbridge.graph.Device;
import org.kerasbridge.model.KerasModel;
import org.kerasbridge.ndarray.NpyArray;

/**
 * bench/spark.sh: rows per second scoring MNIST test images with the MNIST CNN, in one JVM with
 * {@code KerasModel.predict} and through {@link KerasModelTransformer} on local[1] and local[2]
 * (and the row-at-a-time {@code keras_predict} SQL function on local[2]). Each figure is the best
 * of {@code repeats} timed runs after one untimed run (which loads the model). The input
 * DataFrame is cached and counted before timing, and results go to Spark's {@code noop} sink, so
 * the Spark figures are scoring, not data generation or collection.
 *
 * <p>Arguments: MODEL ROWS REPEATS BATCH
 */
public final class SparkBench {
  private SparkBench() {}

  public static void main(String[] args) {
    String model = args.length > 0 ? args[0] : TestSpark.repo("models/mnist_cnn/model.keras")
        .toString();
    int rows = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
    int repeats = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    int batch = args.length > 3 ? Integer.parseInt(args[3]) : 128;
    NpyArray x = TestSpark.mnistDir() != null ? TestSpark.mnistTest(rows)
        : KerasModelTransformerTest.randomImages(rows, 1);
    List<String> table = new ArrayList<>();
    table.add("| how | rows | batch | rows/s |");
    table.add("|---|---|---|---|");

    try (KerasModel m = KerasBridge.loadKeras(Path.of(model), Device.CPU)) {
      m.predict(List.of(x), batch);
      double best = 0;
      for (int r = 0; r < repeats; r++) {
        long t0 = System.nanoTime();
        m.predict(List.of(x), batch);
        best = Math.max(best, rows / ((System.nanoTime() - t0) / 1e9));
      }
      table.add(row("single JVM, KerasModel.predict", rows, batch, best));
    }

    List<Row> data = TestSpark.rows(x);
    for (String master : List.of("local[1]", "local[2]")) {
      SparkSession spark = SparkSession.builder().master(master).appName("kerasbridge-bench")
          .config("spark.ui.enabled", "false")
          .config("spark.driver.host", "127.0.0.1")
          .config("spark.driver.bindAddress", "127.0.0.1")
          .getOrCreate();
      try {
        int partitions = master.equals("local[1]") ? 2 : 4;
        Dataset<Row> df = spark.createDataFrame(data, MnistScoringTest.PIXELS)
            .repartition(partitions).cache();
        df.count();
        KerasModelTransformer t = new KerasModelTransformer().setModelPath(model)
            .setInputCol("pixels").setBatchSize(batch);
        double best = time(() -> t.transform(df).write().format("noop").mode("overwrite")
            .save(), rows, repeats);
        table.add(row("Spark " + master + ", KerasModelTransformer (" + partitions
            + " partitions)", rows, batch, best));
        if (master.equals("local[2]")) {
          KerasBridgeSpark.register(spark);
          int sqlRows = Math.min(rows, 2000);
          Dataset<Row> small = df.limit(sqlRows).cache();
          small.count();
          small.createOrReplaceTempView("digits");
          double sql = time(() -> spark.sql("SELECT keras_predict('" + model + "', pixels) AS p"
              + " FROM digits").write().format("noop").mode("overwrite").save(), sqlRows,
              repeats);
          table.add(row("Spark local[2], SQL keras_predict (one row per call)", sqlRows, 1,
              sql));
        }
      } finally {
        spark.stop();
      }
    }
    ModelCache.closeAll();
    System.out.println();
    table.forEach(System.out::println);
  }

  private static double time(Runnable job, int rows, int repeats) {
    job.run();
    double best = 0;
    for (int r = 0; r < repeats; r++) {
      long t0 = System.nanoTime();
      job.run();
      best = Math.max(best, rows / ((System.nanoTime() - t0) / 1e9));
    }
    return best;
  }

  private static String row(String how, int rows, int batch, double perSecond) {
    return String.format(Locale.ROOT, "| %s | %d | %d | %.0f |", how, rows, batch, perSecond);
  }
}
