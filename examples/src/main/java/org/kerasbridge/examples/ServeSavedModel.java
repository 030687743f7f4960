package org.kerasbridge.examples;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.kerasbridge.KerasBridge;
import org.kerasbridge.data.Mnist;
import org.kerasbridge.data.Preprocess;
import org.kerasbridge.data.Preprocess.Layout;
import org.kerasbridge.model.InferenceModel;
import org.kerasbridge.ndarray.NpyArray;

/**
 * Example 4: load a SavedModel once and serve predictions from several threads at the same time,
 * as a web service's request threads would. One loaded model is shared: TensorFlow sessions run
 * concurrent calls safely.
 *
 * <pre>
 * java ... org.kerasbridge.examples.ServeSavedModel SAVED_MODEL_DIR [--mnist DIR] [--threads T]
 *     [--requests R]
 * </pre>
 *
 * Each request is a batch of 1 to 16 test digits. Check: every answer equals the single-threaded
 * answer for the same batch, bit for bit.
 */
public final class ServeSavedModel {
  private ServeSavedModel() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      System.err.println("usage: ServeSavedModel SAVED_MODEL_DIR [--mnist DIR] [--threads T]"
          + " [--requests R]");
      System.exit(2);
    }
    int threads = Check.intArg(args, "--threads", 4);
    int requests = Check.intArg(args, "--requests", 50);
    String dir = Check.arg(args, "--mnist", null);
    Mnist.Data mnist = (dir != null ? Mnist.load(Path.of(dir)) : Mnist.load()).head(1, 1000);
    NpyArray digits = Preprocess.scaleImages(mnist.xTest(), Layout.CHANNELS_LAST);

    try (InferenceModel model = KerasBridge.load(Path.of(args[0]))) {
      System.out.println("serving " + args[0] + ": inputs " + model.inputs() + ", outputs "
          + model.outputs());
      // the requests, and their answers computed one at a time
      List<NpyArray> batches = new ArrayList<>();
      List<NpyArray> reference = new ArrayList<>();
      java.util.Random rng = new java.util.Random(7);
      for (int r = 0; r < requests; r++) {
        int from = rng.nextInt((int) digits.shape()[0] - 16);
        NpyArray batch = digits.sliceRows(from, from + 1 + rng.nextInt(16));
        batches.add(batch);
        reference.add(model.predict(List.of(batch)).get(0));
      }

      ExecutorService pool = Executors.newFixedThreadPool(threads);
      long start = System.nanoTime();
      List<Future<Double>> answers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        final int offset = t;
        answers.add(pool.submit(() -> {
          double worst = 0;
          for (int i = 0; i < requests; i++) {
            int r = (i + offset * 7) % requests; // each thread in its own order
            NpyArray y = model.predict(List.of(batches.get(r))).get(0);
            worst = Math.max(worst, Check.maxAbsDiff(y, reference.get(r)));
          }
          return worst;
        }));
      }
      double worst = 0;
      for (Future<Double> f : answers) {
        worst = Math.max(worst, f.get());
      }
      pool.shutdown();
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.printf(Locale.ROOT, "%d threads x %d requests in %.2f s (%.0f requests/s)%n",
          threads, requests, seconds, threads * requests / seconds);
      Check.that(worst == 0, "every concurrent answer equals the single-threaded one (max |diff| "
          + worst + ")");
    }
  }
}
