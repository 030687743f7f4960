package org.kerasbridge.bench;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.kerasbridge.KerasBridge;
import org.kerasbridge.data.Mnist;
import org.kerasbridge.data.Preprocess;
import org.kerasbridge.graph.Device;
import org.kerasbridge.model.FitOptions;
import org.kerasbridge.model.KerasModel;
import org.kerasbridge.ndarray.NpyArray;

/**
 * The Java half of {@code bench/run.sh}: trains a compiled Keras file on real MNIST for a fixed
 * number of steps with {@code fit} (no shuffling, quiet) and prints one JSON line with steps per
 * second. The Python half ({@code bench/keras_fit.py}) does the same with Keras.
 *
 * <p>Usage: {@code FitBenchmark MODEL.keras LAYOUT BATCH STEPS WARMUP} where LAYOUT is
 * {@code flat} (N, 784) or {@code nhwc} (N, 28, 28, 1).
 */
public final class FitBenchmark {
  private FitBenchmark() {}

  public static void main(String[] args) {
    Path model = Path.of(args[0]);
    Preprocess.Layout layout = args[1].equals("nhwc") ? Preprocess.Layout.CHANNELS_LAST
        : Preprocess.Layout.FLAT;
    int batch = Integer.parseInt(args[2]);
    int steps = Integer.parseInt(args[3]);
    int warmup = Integer.parseInt(args[4]);
    Mnist.Data data = Mnist.load();
    int n = batch * (steps + warmup);
    NpyArray x = Preprocess.scaleImages(Preprocess.head(data.xTrain(), n), layout);
    NpyArray y = Preprocess.oneHot(Preprocess.head(data.yTrain(), n), 10);
    try (KerasModel m = KerasBridge.loadKeras(model, Device.CPU)) {
      m.compileFromFile();
      long wb = batch * (long) warmup;
      m.fit(List.of(x.sliceRows(0, wb)), List.of(y.sliceRows(0, wb)), FitOptions.defaults()
          .setBatchSize(batch).optShuffle(false).optVerbose(false));
      long t0 = System.nanoTime();
      m.fit(List.of(x.sliceRows(wb, n)), List.of(y.sliceRows(wb, n)), FitOptions.defaults()
          .setBatchSize(batch).optShuffle(false).optVerbose(false));
      double seconds = (System.nanoTime() - t0) / 1e9;
      System.out.println(String.format(Locale.ROOT,
          "{\"side\":\"java\",\"model\":\"%s\",\"batch\":%d,\"steps\":%d,\"seconds\":%.3f,"
              + "\"steps_per_second\":%.3f}", model, batch, steps, seconds, steps / seconds));
    }
  }
}
