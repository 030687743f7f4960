package org.kerasbridge.spark;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.util.SerializableConfiguration;
import org.kerasbridge.model.TensorSpec;
import org.kerasbridge.ndarray.DType;
import org.kerasbridge.ndarray.NpyArray;

/**
 * The SQL function {@code keras_predict(modelPath, features)}: the model's outputs (all of them,
 * flattened and concatenated, as {@code array<float>}) for one row's {@code features}
 * ({@code array<float|double|int|long>} or an ML vector, with as many values as the model's
 * single input takes per row).
 *
 * <pre>{@code
 * KerasBridgeSpark.register(spark);
 * spark.sql("SELECT id, keras_predict('/models/mnist_cnn.keras', pixels) AS p FROM digits");
 * }</pre>
 *
 * <p>It shares the per-JVM {@link ModelCache} with {@link KerasModelTransformer}, but a SQL
 * function is called one row at a time, so it runs one TensorFlow call per row: for throughput
 * use the Transformer, which batches. The model path's content checksum is rechecked at most
 * every 10 seconds per JVM, so a replaced file is picked up by later queries. A model that cannot
 * be loaded fails the task that first uses it (a SQL function cannot be checked on the driver
 * before the query runs, as the Transformer is).
 */
public final class KerasBridgeSpark {
  /** The name {@link #register} gives the function. */
  public static final String FUNCTION = "keras_predict";

  private KerasBridgeSpark() {}

  /** Registers {@code keras_predict} in {@code spark}, running models on CPU. */
  public static void register(SparkSession spark) {
    register(spark, "cpu");
  }

  /** Registers {@code keras_predict} in {@code spark}, running models on {@code device}. */
  public static void register(SparkSession spark, String device) {
    spark.udf().register(FUNCTION,
        new PredictUdf(new SerializableConfiguration(spark.sparkContext().hadoopConfiguration()),
            device),
        DataTypes.createArrayType(DataTypes.FloatType, false));
  }

  /** The function's body: one row in, the model's outputs for it out. */
  static final class PredictUdf implements UDF2<String, Object, float[]> {
    private static final long serialVersionUID = 1L;
    private static final long RECHECK_NANOS = 10_000_000_000L;
    private static final Map<String, Resolved> RESOLVED = new ConcurrentHashMap<>();

    private record Resolved(SharedModel model, long checkedAt) {}

    private final SerializableConfiguration conf;
    private final String device;

    PredictUdf(SerializableConfiguration conf, String device) {
      this.conf = conf;
      this.device = device;
    }

    private SharedModel model(String path) {
      String key = device + "|" + path;
      Resolved r = RESOLVED.get(key);
      long now = System.nanoTime();
      if (r == null || now - r.checkedAt() > RECHECK_NANOS || r.model().isClosed()) {
        String sum = ModelCache.checksum(path, conf.value());
        r = new Resolved(ModelCache.get(path, sum, device, conf.value()), now);
        RESOLVED.put(key, r);
      }
      return r.model();
    }

    @Override
    public float[] call(String path, Object features) {
      if (path == null) {
        throw new KerasSparkException(FUNCTION + ": the model path is null");
      }
      if (features == null) {
        return null;
      }
      SharedModel m = model(path);
      List<TensorSpec> ins = m.inputs();
      if (ins.size() != 1) {
        throw new KerasSparkException(FUNCTION + "('" + path + "', ...): the model has "
            + ins.size() + " inputs " + ins + "; " + FUNCTION + " takes models with one input"
            + " (use KerasModelTransformer with inputCols for several)");
      }
      DataType type;
      if (features instanceof scala.collection.Seq<?>) {
        type = DataTypes.createArrayType(DataTypes.DoubleType);
      } else if (features instanceof Vector) {
        type = new VectorUDT();
      } else {
        throw new KerasSparkException(FUNCTION + "('" + path + "', features): features is a "
            + features.getClass().getName() + "; expected an array of numbers or an ML vector");
      }
      InputColumn c = InputColumn.of("features", type, ins.get(0), "none", 1);
      float[] f = c.dtype == DType.FLOAT32 ? new float[c.perRow] : null;
      double[] d = f == null ? new double[c.perRow] : null;
      try {
        c.fill(features, f, d, 0);
      } catch (InputColumn.BadRow e) {
        throw new KerasSparkException(FUNCTION + "('" + path + "', features): "
            + e.getMessage());
      }
      long[] shape = c.shape.clone();
      shape[0] = 1;
      NpyArray x = f != null ? NpyArray.ofFloats(shape, f)
          : NpyArray.ofDoubles(shape, d).castTo(c.dtype);
      List<NpyArray> ys = m.predict(List.of(x), 1);
      int total = 0;
      float[][] parts = new float[ys.size()][];
      for (int i = 0; i < ys.size(); i++) {
        parts[i] = ys.get(i).castTo(DType.FLOAT32).toFloatArray();
        total += parts[i].length;
      }
      float[] out = new float[total];
      int off = 0;
      for (float[] p : parts) {
        System.arraycopy(p, 0, out, off, p.length);
        off += p.length;
      }
      return out;
    }
  }
}
