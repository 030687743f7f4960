package org.kerasbridge.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.kerasbridge.KerasBridge;
import org.kerasbridge.graph.Device;
import org.kerasbridge.model.KerasModel;
import org.kerasbridge.ndarray.NpyArray;

/**
 * Scoring the 10,000 MNIST test images through the Transformer on local[2] gives exactly the
 * numbers {@code KerasModel.predict} gives in one JVM, and the model is loaded once.
 */
class MnistScoringTest {
  static final StructType PIXELS = new StructType()
      .add("id", DataTypes.LongType, false)
      .add("pixels", DataTypes.createArrayType(DataTypes.FloatType, false), false);

  @Test
  void tenThousandRowsMatchSingleJvmPredict() {
    assumeTrue(TestSpark.mnistDir() != null,
        "MNIST not found (set MNIST_DIR or put it in ../shared/data/mnist): test skipped");
    String model = TestSpark.repo("models/mnist_cnn/model.keras").toString();
    NpyArray x = TestSpark.mnistTest(10_000);
    float[] expected;
    try (KerasModel m = KerasBridge.loadKeras(java.nio.file.Path.of(model), Device.CPU)) {
      expected = m.predict(List.of(x), 128).get(0).toFloatArray();
    }
    SparkSession spark = TestSpark.session();
    Dataset<Row> df = spark.createDataFrame(TestSpark.rows(x), PIXELS).repartition(4);
    ModelCache.closeAll();
    int loadsBefore = ModelCache.loadCount();
    KerasModelTransformer t = new KerasModelTransformer().setModelPath(model)
        .setInputCol("pixels").setOutputCol("probs").setBatchSize(128);
    List<Row> out = t.transform(df).select("id", "probs").collectAsList();
    // driver check and both executor threads share one model
    assertEquals(1, ModelCache.loadCount() - loadsBefore, "model loads in this JVM");
    assertEquals(10_000, out.size());
    float maxDiff = 0;
    int exact = 0;
    for (Row r : out) {
      int id = (int) r.getLong(0);
      List<Float> p = r.getList(1);
      assertEquals(10, p.size());
      boolean same = true;
      for (int k = 0; k < 10; k++) {
        float d = Math.abs(p.get(k) - expected[id * 10 + k]);
        maxDiff = Math.max(maxDiff, d);
        same &= d == 0;
      }
      exact += same ? 1 : 0;
    }
    System.out.printf("MNIST 10000 rows: max |spark - predict| = %g, %d rows bit-identical%n",
        maxDiff, exact);
    assertEquals(10_000, exact, "rows bit-identical to KerasModel.predict (max diff " + maxDiff
        + ")");
  }
}
