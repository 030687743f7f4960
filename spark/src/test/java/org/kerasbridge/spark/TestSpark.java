package org.kerasbridge.spark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.kerasbridge.data.Mnist;
import org.kerasbridge.data.Preprocess;
import org.kerasbridge.ndarray.NpyArray;

/** One local[2] Spark session for every test class (the tests run in one JVM). */
final class TestSpark {
  private static SparkSession spark;

  private TestSpark() {}

  static synchronized SparkSession session() {
    if (spark == null) {
      spark = SparkSession.builder()
          .master("local[2]")
          .appName("kerasbridge-spark-tests")
          .config("spark.ui.enabled", "false")
          .config("spark.sql.shuffle.partitions", "4")
          .config("spark.driver.host", "127.0.0.1")
          .config("spark.driver.bindAddress", "127.0.0.1")
          .getOrCreate();
      Runtime.getRuntime().addShutdownHook(new Thread(spark::stop));
    }
    return spark;
  }

  /** A file of the repository (the parent of spark/). */
  static Path repo(String relative) {
    return Path.of("..").resolve(relative).toAbsolutePath().normalize();
  }

  /** MNIST's IDX directory: $MNIST_DIR, or ../shared/data/mnist beside the repository. */
  static Path mnistDir() {
    String env = System.getenv("MNIST_DIR");
    Path p = env != null && !env.isEmpty() ? Path.of(env) : repo("../shared/data/mnist");
    return Files.isDirectory(p) ? p : null;
  }

  /** MNIST test images, {@code n} of them, as float32 (n, 28, 28, 1) in [0, 1]. */
  static NpyArray mnistTest(int n) {
    Mnist.Data d = Mnist.load(mnistDir()).head(1, n);
    return Preprocess.scaleImages(d.xTest(), Preprocess.Layout.CHANNELS_LAST);
  }

  /** Rows (id, float[] of the row's values) for an array of any shape. */
  static List<Row> rows(NpyArray x) {
    float[] all = x.castTo(org.kerasbridge.ndarray.DType.FLOAT32).toFloatArray();
    int n = (int) x.shape()[0];
    int per = all.length / n;
    List<Row> rows = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      float[] r = new float[per];
      System.arraycopy(all, i * per, r, 0, per);
      rows.add(org.apache.spark.sql.RowFactory.create((long) i, r));
    }
    return rows;
  }
}
