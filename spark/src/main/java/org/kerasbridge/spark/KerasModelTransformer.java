package org.kerasbridge.spark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.SerializableConfiguration;
import org.kerasbridge.model.TensorSpec;

/**
 * A Keras model ({@code .keras}, {@code .h5} or a SavedModel directory, on any Hadoop-compatible
 * path) as a Spark ML {@link Transformer}: appends the model's outputs for each row.
 *
 * <pre>{@code
 * KerasModelTransformer t = new KerasModelTransformer()
 *     .setModelPath("hdfs:///models/mnist_cnn.keras")
 *     .setInputCol("pixels")            // array<float> of 784, reshaped to (28, 28, 1)
 *     .setOutputCol("probabilities");   // array<float> of 10
 * Dataset<Row> scored = t.transform(df);
 * }</pre>
 *
 * <p>Params: {@code modelPath}; {@code inputCols}, one column per model input in the model's
 * input order ({@code array<float|double|int|long>} or an ML vector holding the row's values in
 * row-major order, or a binary image column with {@code imageDecode}); {@code outputCol} (one
 * output) or {@code outputCols} (one per model output), each {@code array<float>} holding the
 * row's output flattened; {@code batchSize} rows per TensorFlow call (default 128);
 * {@code device} ({@code cpu}, {@code gpu}, {@code gpu:N}, or {@code gpu:task}: the GPU
 * that Spark's resource scheduling assigned to the task); {@code onError} ({@code fail}, the
 * default: a bad row fails the task with a message naming the column and the expected shape;
 * {@code null}: its outputs are null and the message goes to {@code errorCol}).
 *
 * <p>{@link #transform} and {@link #transformSchema} load the model on the driver (once per JVM,
 * shared through {@link ModelCache}) to check the columns against its inputs, so a model that
 * cannot be loaded or does not fit the data fails at once, before any task runs. Executors load
 * it once per JVM and share it across tasks; nothing is collected to the driver.
 */
public class KerasModelTransformer extends Transformer implements DefaultParamsWritable {
  private static final long serialVersionUID = 1L;

  private final String uid;
  private final Param<String> modelPath;
  private final StringArrayParam inputCols;
  private final Param<String> outputCol;
  private final StringArrayParam outputCols;
  private final IntParam batchSize;
  private final Param<String> device;
  private final Param<String> onError;
  private final Param<String> errorCol;
  private final Param<String> imageDecode;
  private final DoubleParam pixelDivisor;

  public KerasModelTransformer() {
    this(Identifiable$.MODULE$.randomUID("kerasModel"));
  }

  public KerasModelTransformer(String uid) {
    this.uid = uid;
    modelPath = new Param<>(this, "modelPath",
        "the model: a .keras or .h5 file or a SavedModel directory, on any Hadoop path");
    inputCols = new StringArrayParam(this, "inputCols",
        "one column per model input, in the model's input order");
    outputCol = new Param<>(this, "outputCol",
        "the output column of a single-output model (array<float>)");
    outputCols = new StringArrayParam(this, "outputCols",
        "one column per model output, in the model's output order (array<float> each)");
    batchSize = new IntParam(this, "batchSize", "rows per TensorFlow call (>= 1)",
        ParamValidators.gtEq(1));
    device = new Param<>(this, "device",
        "cpu, gpu, gpu:N, or gpu:task (the GPU Spark's resource scheduling gave the task)");
    onError = new Param<>(this, "onError",
        "fail: a bad row fails the task; null: null outputs and the error in errorCol",
        ParamValidators.inArray(new String[] {"fail", "null"}));
    errorCol = new Param<>(this, "errorCol", "the error message column when onError=null");
    imageDecode = new Param<>(this, "imageDecode",
        "binary input columns: none, image (PNG, JPEG, BMP, GIF) or raw (uint8 pixels)",
        ParamValidators.inArray(new String[] {"none", "image", "raw"}));
    pixelDivisor = new DoubleParam(this, "pixelDivisor",
        "decoded pixels are divided by this (255 for [0, 1])", ParamValidators.gt(0));
    setDefault(outputCol, "prediction");
    setDefault(batchSize, 128);
    setDefault(device, "cpu");
    setDefault(onError, "fail");
    setDefault(errorCol, "keras_error");
    setDefault(imageDecode, "none");
    setDefault(pixelDivisor, 1.0);
  }

  @Override
  public String uid() {
    return uid;
  }

  public Param<String> modelPath() {
    return modelPath;
  }

  public StringArrayParam inputCols() {
    return inputCols;
  }

  public Param<String> outputCol() {
    return outputCol;
  }

  public StringArrayParam outputCols() {
    return outputCols;
  }

  public IntParam batchSize() {
    return batchSize;
  }

  public Param<String> device() {
    return device;
  }

  public Param<String> onError() {
    return onError;
  }

  public Param<String> errorCol() {
    return errorCol;
  }

  public Param<String> imageDecode() {
    return imageDecode;
  }

  public DoubleParam pixelDivisor() {
    return pixelDivisor;
  }

  public KerasModelTransformer setModelPath(String value) {
    set(modelPath, value);
    return this;
  }

  public KerasModelTransformer setInputCol(String value) {
    return setInputCols(value);
  }

  public KerasModelTransformer setInputCols(String... value) {
    set(inputCols, value);
    return this;
  }

  public KerasModelTransformer setOutputCol(String value) {
    set(outputCol, value);
    return this;
  }

  public KerasModelTransformer setOutputCols(String... value) {
    set(outputCols, value);
    return this;
  }

  public KerasModelTransformer setBatchSize(int value) {
    set(batchSize, value);
    return this;
  }

  public KerasModelTransformer setDevice(String value) {
    set(device, value);
    return this;
  }

  /** {@code fail} (default) or {@code null}. */
  public KerasModelTransformer setOnError(String value) {
    set(onError, value.toLowerCase(Locale.ROOT));
    return this;
  }

  public KerasModelTransformer setErrorCol(String value) {
    set(errorCol, value);
    return this;
  }

  /** {@code none} (default), {@code image} or {@code raw}. */
  public KerasModelTransformer setImageDecode(String value) {
    set(imageDecode, value.toLowerCase(Locale.ROOT));
    return this;
  }

  public KerasModelTransformer setPixelDivisor(double value) {
    set(pixelDivisor, value);
    return this;
  }

  public String getModelPath() {
    return $(modelPath);
  }

  public String[] getInputCols() {
    return $(inputCols);
  }

  public int getBatchSize() {
    return (Integer) $(batchSize);
  }

  public String getDevice() {
    return $(device);
  }

  public String getOnError() {
    return $(onError);
  }

  /** The device value meaning "the GPU that Spark assigned to the task". */
  public static final String TASK_GPU = "gpu:task";

  /**
   * {@code device} with {@link #TASK_GPU} resolved: in a task that Spark's resource scheduling
   * gave GPUs ({@code spark.task.resource.gpu.amount}), the first of them; elsewhere (the
   * driver, or a task without GPUs) {@code gpu}, the first visible GPU, which falls back to CPU
   * when there is none.
   */
  static String taskDevice(String device) {
    if (!TASK_GPU.equalsIgnoreCase(device)) {
      return device;
    }
    org.apache.spark.TaskContext tc = org.apache.spark.TaskContext.get();
    if (tc != null) {
      scala.Option<org.apache.spark.resource.ResourceInformation> gpu = tc.resources().get("gpu");
      if (gpu.isDefined() && gpu.get().addresses().length > 0) {
        return "gpu:" + gpu.get().addresses()[0];
      }
    }
    return "gpu";
  }

  /** What a transform needs, worked out (and checked) on the driver. */
  private record Plan(SharedModel model, int[] columnIndex, InputColumn[] columns,
      StructType schema) {}

  private Plan plan(StructType schema, Configuration conf) {
    if (!isDefined(modelPath)) {
      throw new KerasSparkException(uid + ": modelPath is not set");
    }
    if (!isDefined(inputCols) || $(inputCols).length == 0) {
      throw new KerasSparkException(uid + ": inputCols (or inputCol) is not set");
    }
    String path = $(modelPath);
    String dev = taskDevice($(device));
    String sum = ModelCache.checksum(path, conf);
    SharedModel model = ModelCache.get(path, sum, dev, conf);
    String[] cols = $(inputCols);
    List<TensorSpec> ins = model.inputs();
    if (cols.length != ins.size()) {
      throw new KerasSparkException(uid + ": model " + path + " has " + ins.size() + " input"
          + (ins.size() == 1 ? "" : "s") + " " + ins + "; inputCols names " + cols.length
          + " column" + (cols.length == 1 ? "" : "s") + " " + Arrays.toString(cols));
    }
    List<String> names = Arrays.asList(schema.fieldNames());
    int[] idx = new int[cols.length];
    InputColumn[] columns = new InputColumn[cols.length];
    for (int j = 0; j < cols.length; j++) {
      idx[j] = names.indexOf(cols[j]);
      if (idx[j] < 0) {
        throw new KerasSparkException(uid + ": no input column '" + cols[j] + "'; columns: "
            + names);
      }
      columns[j] = InputColumn.of(cols[j], schema.fields()[idx[j]].dataType(), ins.get(j),
          $(imageDecode), (Double) $(pixelDivisor));
    }
    String[] outs = outputNames(model);
    List<StructField> fields = new ArrayList<>(Arrays.asList(schema.fields()));
    List<String> added = new ArrayList<>(Arrays.asList(outs));
    if ("null".equals($(onError))) {
      added.add($(errorCol));
    }
    for (String o : added) {
      if (names.contains(o) || added.indexOf(o) != added.lastIndexOf(o)) {
        throw new KerasSparkException(uid + ": output column '" + o + "' already exists");
      }
    }
    for (String o : outs) {
      fields.add(DataTypes.createStructField(o,
          DataTypes.createArrayType(DataTypes.FloatType, false), true));
    }
    if ("null".equals($(onError))) {
      fields.add(DataTypes.createStructField($(errorCol), DataTypes.StringType, true));
    }
    return new Plan(model, idx, columns, DataTypes.createStructType(fields));
  }

  private String[] outputNames(SharedModel model) {
    List<TensorSpec> outs = model.outputs();
    if (isSet(outputCols)) {
      String[] o = $(outputCols);
      if (o.length != outs.size()) {
        throw new KerasSparkException(uid + ": model " + model.path() + " has " + outs.size()
            + " output(s) " + outs + "; outputCols names " + o.length + " "
            + Arrays.toString(o));
      }
      return o;
    }
    if (outs.size() != 1) {
      throw new KerasSparkException(uid + ": model " + model.path() + " has " + outs.size()
          + " outputs " + outs + ": set outputCols, one column per output");
    }
    return new String[] {$(outputCol)};
  }

  private static Configuration hadoopConf() {
    scala.Option<SparkSession> s = SparkSession.getActiveSession();
    if (s.isEmpty()) {
      s = SparkSession.getDefaultSession();
    }
    return s.isDefined() ? s.get().sparkContext().hadoopConfiguration() : new Configuration();
  }

  /**
   * The input schema with the output columns (and, with {@code onError=null}, the error column)
   * appended. Loads the model on the driver to check the input columns against it.
   */
  @Override
  public StructType transformSchema(StructType schema) {
    return plan(schema, hadoopConf()).schema();
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    Configuration conf = dataset.sparkSession().sparkContext().hadoopConfiguration();
    Plan p = plan(dataset.schema(), conf);
    PartitionScorer scorer = new PartitionScorer($(modelPath), p.model().checksum(), $(device),
        new SerializableConfiguration(conf), p.columnIndex(), p.columns(),
        p.model().outputs().size(), (Integer) $(batchSize), "null".equals($(onError)));
    return dataset.toDF().mapPartitions(scorer, Encoders.row(p.schema()));
  }

  @Override
  public KerasModelTransformer copy(ParamMap extra) {
    return defaultCopy(extra);
  }

  public static MLReader<KerasModelTransformer> read() {
    return new DefaultParamsReader<>();
  }

  public static KerasModelTransformer load(String path) {
    return read().load(path);
  }
}
