package org.kerasbridge.bench;

import java.nio.file.Path;
import java.util.Map;
import org.deeplearning4j.nn.modelimport.keras.KerasModelImport;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * DL4J 1.0.0-M2.1's load time (file to first prediction) for {@code bench/run.sh}. Runs in its own
 * JVM: ND4J's natives clash with TensorFlow's, so this class never touches TF Java.
 *
 * <p>Usage: {@code Dl4jLoad MODEL.h5 DATA_DIR}. Prints one JSON line; a file DL4J cannot import
 * gives {@code "error"} instead of {@code "ms"}.
 */
public final class Dl4jLoad {
  private Dl4jLoad() {}

  public static void main(String[] a) {
    INDArray x = Nd4j.createFromNpyFile(Path.of(a[1]).resolve("x.npy").toFile());
    long[] shape = x.shape().clone();
    shape[0] = 1;
    INDArray in = x.get(NDArrayIndex.interval(0, 1)).reshape(shape).dup();
    long t0 = System.nanoTime();
    try {
      MultiLayerNetwork net = KerasModelImport.importKerasSequentialModelAndWeights(a[0], false);
      net.output(in);
      double ms = (System.nanoTime() - t0) / 1e6;
      BenchJson.emit(Map.of("side", "dl4j", "kind", "load", "model", a[0], "ms", ms,
          "peak_rss_mb", BenchJson.peakRssMb()));
    } catch (Exception | LinkageError e) {
      String msg = String.valueOf(e.getMessage()).replaceAll("\\s+", " ");
      BenchJson.emit(Map.of("side", "dl4j", "kind", "load", "model", a[0], "error",
          e.getClass().getSimpleName() + ": " + msg.substring(0, Math.min(160, msg.length()))));
    }
  }
}
