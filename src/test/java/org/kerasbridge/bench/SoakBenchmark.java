package org.kerasbridge.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.kerasbridge.KerasBridge;
import org.kerasbridge.graph.Device;
import org.kerasbridge.model.KerasModel;
import org.kerasbridge.ndarray.Npy;
import org.kerasbridge.ndarray.NpyArray;

/**
 * The long-run soak behind {@code bench/soak.sh} (test scope: not part of the library's runtime).
 * Two phases on one model file:
 *
 * <ol>
 *   <li>{@code predictions} calls of {@code predict} on one loaded model;
 *   <li>{@code loads} times: load the model, predict once, close it.
 * </ol>
 *
 * <p>At regular points it records, after a full GC, the Java heap in use and the process's
 * resident memory outside the committed heap ("native": RSS minus committed heap). A leak shows as
 * a floor that keeps rising; allocator noise does not. The first quarter of the samples is the
 * warm-up (the allocator's arenas and TensorFlow's caches reach their working size: about 20 MB
 * over the first 30,000 predictions); the verdict compares the lowest sample of the last quarter
 * with the lowest of the second quarter, against {@code NATIVE_LIMIT_KB} (20 MB) and
 * {@code HEAP_LIMIT_KB} (5 MB). Writes a CSV of every sample and a
 * JSON summary line; exit status 0 when both phases are flat, 1 when not.
 *
 * <p>Arguments: {@code MODEL INPUT.npy OUT_DIR [PREDICTIONS] [LOADS]} (defaults 100000, 1000).
 */
public final class SoakBenchmark {
  static final long NATIVE_LIMIT_KB = 20_000;
  static final long HEAP_LIMIT_KB = 5_000;

  private SoakBenchmark() {}

  record Sample(String phase, long iteration, double seconds, long rssKb, long heapUsedKb,
      long heapCommittedKb) {
    long nativeKb() {
      return rssKb - heapCommittedKb;
    }
  }

  record Verdict(String phase, long iterations, double seconds, long nativeKb, long nativeRiseKb,
      long heapKb, long heapRiseKb, boolean flat) {}

  public static void main(String[] args) throws Exception {
    Path model = Path.of(args[0]);
    NpyArray x = Npy.read(Path.of(args[1]));
    Path outDir = Files.createDirectories(Path.of(args[2]));
    long predictions = args.length > 3 ? Long.parseLong(args[3]) : 100_000;
    long loads = args.length > 4 ? Long.parseLong(args[4]) : 1_000;
    List<Sample> samples = new ArrayList<>();

    long t0 = System.nanoTime();
    try (KerasModel m = KerasBridge.loadKeras(model, Device.CPU)) {
      for (int i = 0; i < 200; i++) {
        m.predict(List.of(x));
      }
      long every = Math.max(1, predictions / 40);
      for (long i = 1; i <= predictions; i++) {
        m.predict(List.of(x));
        if (i % every == 0) {
          samples.add(sample("predict", i, t0));
          progress(samples);
        }
      }
    }
    Verdict predict = verdict("predict", predictions, samples, t0);

    long t1 = System.nanoTime();
    List<Sample> loadSamples = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      try (KerasModel m = KerasBridge.loadKeras(model, Device.CPU)) {
        m.predict(List.of(x));
      }
    }
    long every = Math.max(1, loads / 40);
    for (long i = 1; i <= loads; i++) {
      try (KerasModel m = KerasBridge.loadKeras(model, Device.CPU)) {
        m.predict(List.of(x));
      }
      if (i % every == 0) {
        loadSamples.add(sample("load", i, t1));
        progress(loadSamples);
      }
    }
    Verdict load = verdict("load", loads, loadSamples, t1);
    samples.addAll(loadSamples);

    StringBuilder csv = new StringBuilder(
        "phase,iteration,seconds,rss_kb,native_kb,heap_used_kb,heap_committed_kb\n");
    for (Sample s : samples) {
      csv.append(String.format(Locale.ROOT, "%s,%d,%.1f,%d,%d,%d,%d%n", s.phase(), s.iteration(),
          s.seconds(), s.rssKb(), s.nativeKb(), s.heapUsedKb(), s.heapCommittedKb()));
    }
    Files.writeString(outDir.resolve("soak.csv"), csv);
    String json = String.format(Locale.ROOT, "{\"model\":\"%s\",\"input_shape\":\"%s\","
        + "%s,%s}", model, java.util.Arrays.toString(x.shape()), json(predict), json(load));
    Files.writeString(outDir.resolve("soak.json"), json + "\n");
    System.out.println(json);
    System.exit(predict.flat() && load.flat() ? 0 : 1);
  }

  private static String json(Verdict v) {
    return String.format(Locale.ROOT, "\"%s\":{\"iterations\":%d,\"seconds\":%.1f,"
        + "\"per_second\":%.1f,\"native_mb\":%.1f,\"native_rise_mb\":%.1f,"
        + "\"heap_used_mb\":%.1f,\"heap_rise_mb\":%.2f,\"flat\":%b}",
        v.phase(), v.iterations(), v.seconds(), v.iterations() / v.seconds(),
        v.nativeKb() / 1024.0, v.nativeRiseKb() / 1024.0, v.heapKb() / 1024.0,
        v.heapRiseKb() / 1024.0, v.flat());
  }

  private static void progress(List<Sample> s) {
    Sample l = s.get(s.size() - 1);
    System.err.printf(Locale.ROOT, "%s %d  %.0f s  native %.1f MB  heap used %.1f MB%n",
        l.phase(), l.iteration(), l.seconds(), l.nativeKb() / 1024.0, l.heapUsedKb() / 1024.0);
  }

  static Verdict verdict(String phase, long n, List<Sample> s, long t0) {
    int q = Math.max(1, s.size() / 4);
    long earlyNative = Long.MAX_VALUE;
    long lateNative = Long.MAX_VALUE;
    long earlyHeap = Long.MAX_VALUE;
    long lateHeap = Long.MAX_VALUE;
    int from = s.size() >= 4 ? q : 0;
    for (int i = 0; i < q; i++) {
      earlyNative = Math.min(earlyNative, s.get(from + i).nativeKb());
      earlyHeap = Math.min(earlyHeap, s.get(from + i).heapUsedKb());
      Sample late = s.get(s.size() - 1 - i);
      lateNative = Math.min(lateNative, late.nativeKb());
      lateHeap = Math.min(lateHeap, late.heapUsedKb());
    }
    long nativeRise = lateNative - earlyNative;
    long heapRise = lateHeap - earlyHeap;
    return new Verdict(phase, n, (System.nanoTime() - t0) / 1e9, lateNative, nativeRise,
        lateHeap, heapRise, nativeRise < NATIVE_LIMIT_KB && heapRise < HEAP_LIMIT_KB);
  }

  static Sample sample(String phase, long i, long t0) throws IOException {
    System.gc();
    System.gc();
    var heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    long rss = -1;
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        rss = Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return new Sample(phase, i, (System.nanoTime() - t0) / 1e9, rss, heap.getUsed() / 1024,
        heap.getCommitted() / 1024);
  }
}
