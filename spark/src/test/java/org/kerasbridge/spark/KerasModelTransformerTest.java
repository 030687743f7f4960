package org.kerasbridge.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.apache.spark.SparkException;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kerasbridge.KerasBridge;
import org.kerasbridge.graph.Device;
import org.kerasbridge.model.InferenceModel;
import org.kerasbridge.ndarray.DType;
import org.kerasbridge.ndarray.Npy;
import org.kerasbridge.ndarray.NpyArray;

/**
 * The Transformer's contract on local[2]: other formats and file systems, several inputs and
 * outputs against Keras's own numbers, vector and image columns, Pipeline persistence, bad rows
 * and bad models, and the SQL function. Inputs are seeded random numbers (no MNIST needed).
 */
class KerasModelTransformerTest {
  static final String CNN = TestSpark.repo("models/mnist_cnn/model.keras").toString();

  @TempDir
  Path tmp;

  /** {@code n} seeded random (28, 28, 1) images in [0, 1). */
  static NpyArray randomImages(int n, long seed) {
    Random r = new Random(seed);
    float[] v = new float[n * 784];
    for (int i = 0; i < v.length; i++) {
      v[i] = r.nextFloat();
    }
    return NpyArray.ofFloats(new long[] {n, 28, 28, 1}, v);
  }

  /** Reference models, loaded apart from the Spark path's ModelCache, once per test run. */
  private static final java.util.Map<String, InferenceModel> REFERENCE =
      new java.util.HashMap<>();

  @org.junit.jupiter.api.AfterAll
  static void closeReferenceModels() {
    REFERENCE.values().forEach(InferenceModel::close);
    REFERENCE.clear();
  }

  /** What {@code KerasModel.predict} gives in this JVM, outside Spark. */
  static synchronized float[] predict(String model, List<NpyArray> xs, int output) {
    InferenceModel m = REFERENCE.computeIfAbsent(model,
        p -> KerasBridge.load(Path.of(p), Device.CPU));
    return m.predict(xs, 32).get(output).castTo(DType.FLOAT32).toFloatArray();
  }

  static Dataset<Row> pixels(NpyArray x, int partitions) {
    return TestSpark.session().createDataFrame(TestSpark.rows(x), MnistScoringTest.PIXELS)
        .repartition(partitions);
  }

  /** Column {@code col} of each row (ordered by id) as one float array. */
  static float[] scored(Dataset<Row> out, String col) {
    List<Row> rows = out.orderBy("id").select(col).collectAsList();
    List<Float> all = new ArrayList<>();
    for (Row r : rows) {
      all.addAll(r.<Float>getList(0));
    }
    float[] f = new float[all.size()];
    for (int i = 0; i < f.length; i++) {
      f[i] = all.get(i);
    }
    return f;
  }

  @Test
  void h5SavedModelAndOtherFileSystemsGiveWhatPredictGives() throws IOException {
    NpyArray x = randomImages(200, 1);
    float[] expected = predict(CNN, List.of(x), 0);
    Dataset<Row> df = pixels(x, 3);
    for (String model : List.of(CNN, TestSpark.repo("models/mnist_cnn/model.h5").toString(),
        TestSpark.repo("models/mnist_cnn/saved_model").toString())) {
      KerasModelTransformer t = new KerasModelTransformer().setModelPath(model)
          .setInputCol("pixels").setBatchSize(64);
      assertArrayEquals(expected, scored(t.transform(df), "prediction"), 1e-5f, model);
    }
    // A model on a non-local Hadoop file system is copied to a local file first.
    SparkSession spark = TestSpark.session();
    spark.sparkContext().hadoopConfiguration().set("fs." + OtherSchemeFileSystem.SCHEME
        + ".impl", OtherSchemeFileSystem.class.getName());
    Path copy = tmp.resolve("cnn.keras");
    Files.copy(Path.of(CNN), copy);
    String remote = OtherSchemeFileSystem.SCHEME + "://" + copy.toAbsolutePath();
    KerasModelTransformer t = new KerasModelTransformer().setModelPath(remote)
        .setInputCol("pixels");
    assertArrayEquals(expected, scored(t.transform(df), "prediction"), 0f, remote);
  }

  @Test
  void taskGpuDeviceResolvesToTheTasksGpuOrFallsBack() {
    assertEquals("cpu", KerasModelTransformer.taskDevice("cpu"));
    assertEquals("gpu:1", KerasModelTransformer.taskDevice("gpu:1"));
    // on the driver, and in tasks that Spark gave no GPU, the first visible GPU (or CPU)
    assertEquals("gpu", KerasModelTransformer.taskDevice("gpu:task"));
    NpyArray x = randomImages(16, 9);
    KerasModelTransformer t = new KerasModelTransformer().setModelPath(CNN)
        .setInputCol("pixels").setDevice("gpu:task");
    assertArrayEquals(predict(CNN, List.of(x), 0), scored(t.transform(pixels(x, 2)),
        "prediction"), 1e-5f);
  }

  @Test
  void severalInputsAndOutputsMatchKeras() {
    Path dir = TestSpark.repo("models/layers/functional_multi_io");
    NpyArray a = Npy.read(dir.resolve("input_0.npy"));
    NpyArray b = Npy.read(dir.resolve("input_1.npy"));
    float[] ya = Npy.read(dir.resolve("output_0.npy")).toFloatArray();
    float[] yb = Npy.read(dir.resolve("output_1.npy")).toFloatArray();
    float[] av = a.toFloatArray();
    float[] bv = b.toFloatArray();
    int n = (int) a.shape()[0];
    int pa = av.length / n;
    int pb = bv.length / n;
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      double[] da = new double[pa];
      for (int k = 0; k < pa; k++) {
        da[k] = av[i * pa + k];
      }
      float[] fb = java.util.Arrays.copyOfRange(bv, i * pb, (i + 1) * pb);
      rows.add(RowFactory.create((long) i, Vectors.dense(da), fb));
    }
    StructType schema = new StructType().add("id", DataTypes.LongType)
        .add("a", new VectorUDT())
        .add("b", DataTypes.createArrayType(DataTypes.FloatType));
    Dataset<Row> df = TestSpark.session().createDataFrame(rows, schema).repartition(2);
    KerasModelTransformer t = new KerasModelTransformer()
        .setModelPath(dir.resolve("model.keras").toString())
        .setInputCols("a", "b").setOutputCols("cls", "value").setBatchSize(2);
    Dataset<Row> out = t.transform(df);
    // Keras's own outputs (python-reference), at the project's float32 tolerance
    assertArrayEquals(ya, scored(out, "cls"), 1e-5f);
    assertArrayEquals(yb, scored(out, "value"), 1e-5f);

    // One outputCol for a two-output model is refused on the driver, naming the outputs.
    KerasSparkException e = assertThrows(KerasSparkException.class, () ->
        new KerasModelTransformer().setModelPath(dir.resolve("model.keras").toString())
            .setInputCols("a", "b").transform(df));
    assertTrue(e.getMessage().contains("set outputCols"), e.getMessage());
    // So is a column count that differs from the model's inputs.
    e = assertThrows(KerasSparkException.class, () ->
        new KerasModelTransformer().setModelPath(dir.resolve("model.keras").toString())
            .setInputCols("a").setOutputCols("cls", "value").transform(df));
    assertTrue(e.getMessage().contains("has 2 inputs"), e.getMessage());
  }

  @Test
  void integerInputsFeedAnEmbeddingModel() {
    Path dir = TestSpark.repo("models/layers/functional_masked_merge");
    NpyArray a = Npy.read(dir.resolve("input_0.npy"));
    NpyArray b = Npy.read(dir.resolve("input_1.npy"));
    int n = (int) a.shape()[0];
    int per = (int) (a.size() / n);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int[] ra = new int[per];
      long[] rb = new long[per];
      for (int k = 0; k < per; k++) {
        ra[k] = (int) a.getDouble(i * per + k);
        rb[k] = (long) b.getDouble(i * per + k);
      }
      rows.add(RowFactory.create((long) i, ra, rb));
    }
    StructType schema = new StructType().add("id", DataTypes.LongType)
        .add("a", DataTypes.createArrayType(DataTypes.IntegerType))
        .add("b", DataTypes.createArrayType(DataTypes.LongType));
    Dataset<Row> df = TestSpark.session().createDataFrame(rows, schema);
    Dataset<Row> out = new KerasModelTransformer()
        .setModelPath(dir.resolve("model.keras").toString())
        .setInputCols("a", "b").setOutputCols("pooled", "rnn").transform(df);
    assertArrayEquals(Npy.read(dir.resolve("output_0.npy")).toFloatArray(),
        scored(out, "pooled"), 1e-5f);
    assertArrayEquals(Npy.read(dir.resolve("output_1.npy")).toFloatArray(),
        scored(out, "rnn"), 1e-5f);
  }

  static byte[] png(float[] pixels01, int offset) throws IOException {
    BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
    for (int y = 0; y < 28; y++) {
      for (int x = 0; x < 28; x++) {
        img.getRaster().setSample(x, y, 0, Math.round(pixels01[offset + y * 28 + x] * 255));
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(img, "png", out);
    return out.toByteArray();
  }

  @Test
  void pngAndRawImageColumnsAreDecodedLikeKerasPreprocessing() throws IOException {
    int n = 40;
    Random r = new Random(7);
    byte[][] raw = new byte[n][784];
    float[] scaled = new float[n * 784];
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      r.nextBytes(raw[i]);
      for (int k = 0; k < 784; k++) {
        scaled[i * 784 + k] = (raw[i][k] & 0xff) / 255f;   // numpy's x.astype("float32") / 255
      }
      rows.add(RowFactory.create((long) i, png(scaled, i * 784), raw[i]));
    }
    // one row that is no image at all
    rows.add(RowFactory.create((long) n, new byte[] {1, 2, 3}, new byte[] {1, 2, 3}));
    StructType schema = new StructType().add("id", DataTypes.LongType)
        .add("png", DataTypes.BinaryType).add("raw", DataTypes.BinaryType);
    Dataset<Row> df = TestSpark.session().createDataFrame(rows, schema).repartition(2);
    float[] expected = predict(CNN, List.of(NpyArray.ofFloats(new long[] {n, 28, 28, 1},
        scaled)), 0);

    for (String mode : List.of("image", "raw")) {
      String col = mode.equals("image") ? "png" : "raw";
      Dataset<Row> out = new KerasModelTransformer().setModelPath(CNN).setInputCol(col)
          .setImageDecode(mode).setPixelDivisor(255).setOnError("null").transform(df)
          .orderBy("id").cache();
      List<Row> got = out.select("prediction", "keras_error").collectAsList();
      for (int i = 0; i < n; i++) {
        assertNull(got.get(i).get(1), mode);
        List<Float> p = got.get(i).getList(0);
        for (int k = 0; k < 10; k++) {
          assertEquals(expected[i * 10 + k], p.get(k), 0f, mode + " row " + i);
        }
      }
      assertNull(got.get(n).get(0));
      String err = got.get(n).getString(1);
      assertTrue(err.contains("column '" + col + "'") && err.contains("(None, 28, 28, 1)"), err);
    }
    // A binary column without imageDecode is refused on the driver.
    KerasSparkException e = assertThrows(KerasSparkException.class, () ->
        new KerasModelTransformer().setModelPath(CNN).setInputCol("png").transform(df));
    assertTrue(e.getMessage().contains("imageDecode"), e.getMessage());
  }

  @Test
  void badRowFailsTheTaskNamingColumnAndShape() {
    NpyArray x = randomImages(20, 2);
    List<Row> rows = new ArrayList<>(TestSpark.rows(x));
    rows.add(RowFactory.create(20L, new float[100]));
    Dataset<Row> df = TestSpark.session().createDataFrame(rows, MnistScoringTest.PIXELS);
    KerasModelTransformer t = new KerasModelTransformer().setModelPath(CNN)
        .setInputCol("pixels");
    Dataset<Row> out = t.transform(df);
    SparkException e = assertThrows(SparkException.class, out::collectAsList);
    String m = e.getMessage();
    assertTrue(m.contains("KerasSparkException") && m.contains("column 'pixels'")
        && m.contains("got an array of 100 values") && m.contains("(None, 28, 28, 1)")
        && m.contains("784 values per row"), m);
  }

  @Test
  void badRowsGiveNullAndTheErrorWhenAskedTo() {
    NpyArray x = randomImages(30, 3);
    float[] expected = predict(CNN, List.of(x), 0);
    List<Row> rows = new ArrayList<>(TestSpark.rows(x));
    rows.set(5, RowFactory.create(5L, new float[783]));
    rows.set(17, RowFactory.create(17L, null));
    StructType nullable = new StructType().add("id", DataTypes.LongType, false)
        .add("pixels", DataTypes.createArrayType(DataTypes.FloatType, false), true);
    Dataset<Row> df = TestSpark.session().createDataFrame(rows, nullable).repartition(2);
    List<Row> got = new KerasModelTransformer().setModelPath(CNN).setInputCol("pixels")
        .setOnError("null").setErrorCol("why").setBatchSize(8).transform(df).orderBy("id")
        .select("prediction", "why").collectAsList();
    assertEquals(30, got.size());
    for (int i = 0; i < 30; i++) {
      Row r = got.get(i);
      if (i == 5 || i == 17) {
        assertNull(r.get(0));
        assertNotNull(r.getString(1));
        assertTrue(r.getString(1).contains("column 'pixels'"), r.getString(1));
        assertTrue(r.getString(1).contains(i == 5 ? "783 values" : "is null"), r.getString(1));
      } else {
        assertNull(r.get(1));
        List<Float> p = r.getList(0);
        for (int k = 0; k < 10; k++) {
          assertEquals(expected[i * 10 + k], p.get(k), 0f);
        }
      }
    }
  }

  @Test
  void aModelThatCannotLoadFailsOnTheDriverBeforeAnyTask() throws IOException {
    Path broken = tmp.resolve("broken.keras");
    Files.write(broken, new byte[] {'P', 'K', 3, 4, 0, 0, 9, 9});
    Dataset<Row> df = pixels(randomImages(4, 4), 2);
    KerasModelTransformer t = new KerasModelTransformer().setModelPath(broken.toString())
        .setInputCol("pixels");
    KerasSparkException e = assertThrows(KerasSparkException.class, () -> t.transform(df));
    assertTrue(e.getMessage().startsWith("model " + broken + " cannot be loaded: "),
        e.getMessage());
    // the loader's own message follows
    assertNotNull(e.getCause());
    assertTrue(e.getMessage().endsWith(e.getCause().getMessage()), e.getMessage());
    // in a Pipeline too, at fit time (transformSchema), before any data is read
    Pipeline p = new Pipeline().setStages(new PipelineStage[] {t});
    assertThrows(KerasSparkException.class, () -> p.fit(df));

    KerasSparkException missing = assertThrows(KerasSparkException.class, () ->
        new KerasModelTransformer().setModelPath(tmp.resolve("nope.keras").toString())
            .setInputCol("pixels").transform(df));
    assertTrue(missing.getMessage().contains("no such file"), missing.getMessage());
    // a column of a type no model input takes
    KerasSparkException type = assertThrows(KerasSparkException.class, () ->
        new KerasModelTransformer().setModelPath(CNN).setInputCol("id").transform(df));
    assertTrue(type.getMessage().contains("column 'id' has type bigint"), type.getMessage());
  }

  @Test
  void pipelineSavesAndLoadsWithItsParams() throws IOException {
    NpyArray x = randomImages(50, 5);
    Dataset<Row> df = pixels(x, 2);
    KerasModelTransformer t = new KerasModelTransformer().setModelPath(CNN)
        .setInputCol("pixels").setOutputCol("p").setBatchSize(16).setOnError("null")
        .setErrorCol("err");
    PipelineModel fitted = new Pipeline().setStages(new PipelineStage[] {t}).fit(df);
    float[] before = scored(fitted.transform(df), "p");
    String dir = tmp.resolve("pipeline").toString();
    fitted.write().overwrite().save(dir);
    PipelineModel loaded = PipelineModel.load(dir);
    KerasModelTransformer lt = (KerasModelTransformer) loaded.stages()[0];
    assertEquals(t.uid(), lt.uid());
    assertEquals(CNN, lt.getModelPath());
    assertEquals(16, lt.getBatchSize());
    assertEquals("null", lt.getOnError());
    assertArrayEquals(new String[] {"pixels"}, lt.getInputCols());
    assertArrayEquals(before, scored(loaded.transform(df), "p"), 0f);
    assertArrayEquals(predict(CNN, List.of(x), 0), before, 1e-5f);

    // and the stage on its own
    String single = tmp.resolve("stage").toString();
    t.save(single);
    KerasModelTransformer again = KerasModelTransformer.load(single);
    for (org.apache.spark.ml.param.Param<?> param : t.params()) {
      assertEquals(t.isSet(param), again.isSet(param), param.name());
      if (t.isDefined(param)) {
        assertTrue(java.util.Objects.deepEquals(t.getOrDefault(param), again.getOrDefault(param)),
            param.name());
      }
    }
  }

  @Test
  void sqlFunctionScoresLikeTheTransformer() {
    NpyArray x = randomImages(24, 6);
    float[] expected = predict(CNN, List.of(x), 0);
    SparkSession spark = TestSpark.session();
    KerasBridgeSpark.register(spark);
    pixels(x, 2).createOrReplaceTempView("digits");
    Dataset<Row> out = spark.sql("SELECT id, keras_predict('" + CNN + "', pixels) AS p"
        + " FROM digits");
    assertArrayEquals(expected, scored(out, "p"), 1e-5f);
    // a row of the wrong length names what the model expected
    SparkException e = assertThrows(SparkException.class, () -> spark.sql(
        "SELECT keras_predict('" + CNN + "', array(1.0, 2.0)) AS p").collectAsList());
    assertTrue(e.getMessage().contains("got an array of 2 values")
        && e.getMessage().contains("(None, 28, 28, 1)"), e.getMessage());
  }
}
