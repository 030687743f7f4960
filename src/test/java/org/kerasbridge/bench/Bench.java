package org.kerasbridge.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.kerasbridge.KerasBridge;
import org.kerasbridge.graph.Device;
import org.kerasbridge.model.FitOptions;
import org.kerasbridge.model.KerasModel;
import org.kerasbridge.ndarray.Npy;
import org.kerasbridge.ndarray.NpyArray;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.proto.NodeExecStats;
import org.tensorflow.proto.RunMetadata;
import org.tensorflow.proto.RunOptions;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.types.TFloat32;

/**
 * The Java half of {@code bench/run.sh} (Python half: {@code bench/keras_bench.py}). Not a test:
 * it lives under src/test only so that it, DL4J and XChart never reach the library's runtime
 * dependencies; surefire does not run it (no *Test name). Each command prints one JSON line.
 *
 * <pre>
 * fit MODEL DATA_DIR BATCH SECONDS DEVICE        steps/s of fit over DATA_DIR/x.npy, y.npy
 * predict MODEL DATA_DIR SECONDS CALLS DEVICE    batch-128 throughput, batch-1 latency
 * raw SAVED_MODEL DATA_DIR SECONDS CALLS DEVICE  the same with SavedModelBundle + Session.run
 * load MODEL DATA_DIR DEVICE                     file to first prediction
 * stepstats MODEL DATA_DIR BATCH STEPS DEVICE    TF step stats of traced training steps
 * </pre>
 */
public final class Bench {
  private Bench() {}

  public static void main(String[] a) throws IOException {
    switch (a[0]) {
      case "fit" -> fit(Path.of(a[1]), Path.of(a[2]), Integer.parseInt(a[3]),
          Double.parseDouble(a[4]), Device.parse(a[5]));
      case "predict" -> predict(Path.of(a[1]), Path.of(a[2]), Double.parseDouble(a[3]),
          Integer.parseInt(a[4]), Device.parse(a[5]));
      case "raw" -> raw(Path.of(a[1]), Path.of(a[2]), Double.parseDouble(a[3]),
          Integer.parseInt(a[4]), Device.parse(a[5]));
      case "load" -> load(Path.of(a[1]), Path.of(a[2]), Device.parse(a[3]));
      case "predictstats" -> predictStats(Path.of(a[1]), Path.of(a[2]), Integer.parseInt(a[3]),
          Integer.parseInt(a[4]), Device.parse(a[5]));
      case "stepstats" -> stepStats(Path.of(a[1]), Path.of(a[2]), Integer.parseInt(a[3]),
          Integer.parseInt(a[4]), Device.parse(a[5]));
      default -> throw new IllegalArgumentException("unknown command " + a[0]);
    }
  }

  static void fit(Path model, Path data, int batch, double seconds, Device device) {
    NpyArray x = Npy.read(data.resolve("x.npy"));
    NpyArray y = Npy.read(data.resolve("y.npy"));
    long rows = x.shape()[0];
    FitOptions o = FitOptions.defaults().setBatchSize(batch).optShuffle(false).optVerbose(false);
    try (KerasModel m = KerasBridge.loadKeras(model, device)) {
      m.compileFromFile();
      int stepsPerEpoch = (int) ((rows + batch - 1) / batch);
      // warm-up epoch (graph building, first-run allocations), then as many epochs as fill SECONDS
      m.fit(List.of(x), List.of(y), o);
      long t0 = System.nanoTime();
      m.fit(List.of(x), List.of(y), o);
      double warm = (System.nanoTime() - t0) / 1e9;
      int epochs = Math.max(1, (int) Math.ceil(seconds / Math.max(warm, 1e-3)));
      // repeat until at least SECONDS have passed (the estimate above can be off under load)
      int steps = 0;
      t0 = System.nanoTime();
      long c0 = processCpuNanos();
      double s;
      do {
        m.fit(List.of(x), List.of(y), o.setEpochs(epochs));
        steps += epochs * stepsPerEpoch;
        s = (System.nanoTime() - t0) / 1e9;
      } while (s < seconds);
      // CPU time of every thread of the process (TF's included): robust to other processes' load
      double cpu = (processCpuNanos() - c0) / 1e9;
      emit(Map.of("side", "java", "kind", "fit", "model", model.toString(), "batch", batch,
          "steps", steps, "seconds", s, "steps_per_second", steps / s, "cpu_seconds", cpu,
          "steps_per_cpu_second", steps / cpu, "peak_rss_mb", peakRssMb()));
    }
  }

  static void predict(Path model, Path data, double seconds, int calls, Device device) {
    NpyArray x = Npy.read(data.resolve("x.npy"));
    try (KerasModel m = KerasBridge.loadKeras(model, device)) {
      NpyArray b128 = rowsCycled(x, 128);
      NpyArray b1 = x.sliceRows(0, 1);
      double thr = throughput(() -> m.predict(List.of(b128), 128), 128, seconds);
      double[] lat = latency(() -> m.predict(List.of(b1), 1), calls);
      emit(Map.of("side", "java", "kind", "predict", "model", model.toString(),
          "samples_per_second", thr, "p50_ms", lat[0], "p99_ms", lat[1], "calls", calls,
          "peak_rss_mb", peakRssMb()));
    }
  }

  /** The raw TF Java limit: the same network's SavedModel, one Session.run per batch. */
  static void raw(Path savedModel, Path data, double seconds, int calls, Device device) {
    NpyArray x = Npy.read(data.resolve("x.npy"));
    try (SavedModelBundle b = SavedModelBundle.loader(savedModel.toString()).withTags("serve")
        .withConfigProto(org.kerasbridge.graph.SessionConfigs.forDevice(device)).load()) {
      SignatureDef sig = b.metaGraphDef().getSignatureDefMap().get("serving_default");
      String in = sig.getInputsMap().values().iterator().next().getName();
      String out = sig.getOutputsMap().values().iterator().next().getName();
      Session s = b.session();
      float[] f128 = rowsCycled(x, 128).toFloatArray();
      float[] f1 = x.sliceRows(0, 1).toFloatArray();
      long[] sh = x.shape();
      Shape s128 = Shape.of(withRows(sh, 128));
      Shape s1 = Shape.of(withRows(sh, 1));
      Runnable r128 = () -> rawRun(s, in, out, s128, f128);
      Runnable r1 = () -> rawRun(s, in, out, s1, f1);
      double thr = throughput(r128, 128, seconds);
      double[] lat = latency(r1, calls);
      emit(Map.of("side", "raw", "kind", "predict", "model", savedModel.toString(),
          "samples_per_second", thr, "p50_ms", lat[0], "p99_ms", lat[1], "calls", calls,
          "peak_rss_mb", peakRssMb()));
    }
  }

  private static void rawRun(Session s, String in, String out, Shape shape, float[] values) {
    try (TFloat32 t = TFloat32.tensorOf(shape, DataBuffers.of(values, true, false));
        var res = s.runner().feed(in, t).fetch(out).run()) {
      TFloat32 o = (TFloat32) res.get(0);
      float[] dst = new float[(int) o.shape().size()];
      o.copyTo(org.tensorflow.ndarray.NdArrays.wrap(o.shape(), DataBuffers.of(dst, false, false)));
    }
  }

  static void load(Path model, Path data, Device device) {
    NpyArray x1 = Npy.read(data.resolve("x.npy")).sliceRows(0, 1);
    // the runtime's start (TF's natives extracted and loaded) is reported apart, as Python's
    // "import tensorflow" is: "ms" is file to first prediction in a started runtime
    long r0 = System.nanoTime();
    org.tensorflow.TensorFlow.version();
    double runtimeMs = (System.nanoTime() - r0) / 1e6;
    long t0 = System.nanoTime();
    try (var m = KerasBridge.load(model, device)) {
      m.predict(List.of(x1), 1);
      double ms = (System.nanoTime() - t0) / 1e6;
      emit(Map.of("side", "java", "kind", "load", "model", model.toString(), "ms", ms,
          "runtime_start_ms", runtimeMs, "peak_rss_mb", peakRssMb()));
    }
  }

  /** Per-op-type time of traced training steps (TF's own step stats, FULL_TRACE). */
  static void stepStats(Path model, Path data, int batch, int steps, Device device) {
    NpyArray x = Npy.read(data.resolve("x.npy")).sliceRows(0, batch);
    NpyArray y = Npy.read(data.resolve("y.npy")).sliceRows(0, batch);
    try (KerasModel m = KerasBridge.loadKeras(model, device)) {
      m.compileFromFile();
      for (int i = 0; i < 5; i++) {
        m.trainOnBatch(List.of(x), List.of(y), null);
      }
      Map<String, long[]> byType = new HashMap<>();
      Map<String, long[]> byNode = new HashMap<>();
      long wall = 0;
      m.runtime().setRunOptions(RunOptions.newBuilder()
          .setTraceLevel(RunOptions.TraceLevel.FULL_TRACE).build());
      for (int i = 0; i < steps; i++) {
        long t0 = System.nanoTime();
        m.trainOnBatch(List.of(x), List.of(y), null);
        wall += (System.nanoTime() - t0) / 1000;
        RunMetadata md = m.runtime().lastRunMetadata();
        for (var dev : md.getStepStats().getDevStatsList()) {
          for (NodeExecStats n : dev.getNodeStatsList()) {
            String label = n.getTimelineLabel();
            int eq = label.indexOf(" = ");
            String type = eq < 0 ? n.getNodeName()
                : label.substring(eq + 3).split("[(\\s]", 2)[0];
            long us = n.getOpEndRelMicros() - n.getOpStartRelMicros();
            byType.computeIfAbsent(type, k -> new long[2])[0] += us;
            byType.get(type)[1]++;
            byNode.computeIfAbsent(n.getNodeName() + " (" + type + ")", k -> new long[2])[0] += us;
          }
        }
      }
      m.runtime().setRunOptions(null);
      long total = byType.values().stream().mapToLong(v -> v[0]).sum();
      System.out.printf(Locale.ROOT, "step stats: %s batch %d, %d traced steps, wall %.1f ms/step,"
          + " op time %.1f ms/step (sum over ops; ops run in parallel)%n", model, batch, steps,
          wall / 1000.0 / steps, total / 1000.0 / steps);
      System.out.println("| op type | ms/step | share | calls/step |");
      System.out.println("|---|---:|---:|---:|");
      byType.entrySet().stream().sorted(Comparator.comparingLong(e -> -e.getValue()[0])).limit(20)
          .forEach(e -> System.out.printf(Locale.ROOT, "| %s | %.2f | %.1f%% | %d |%n", e.getKey(),
              e.getValue()[0] / 1000.0 / steps, 100.0 * e.getValue()[0] / total,
              e.getValue()[1] / steps));
      System.out.println();
      System.out.println("| node | ms/step |");
      System.out.println("|---|---:|");
      byNode.entrySet().stream().sorted(Comparator.comparingLong(e -> -e.getValue()[0])).limit(15)
          .forEach(e -> System.out.printf(Locale.ROOT, "| %s | %.2f |%n", e.getKey(),
              e.getValue()[0] / 1000.0 / steps));
    }
  }

  /** Step stats of predict at one batch size: KerasBridge, then the raw SavedModel. */
  static void predictStats(Path model, Path data, int batch, int steps, Device device) {
    NpyArray x = rowsCycled(Npy.read(data.resolve("x.npy")), batch);
    RunOptions full = RunOptions.newBuilder().setTraceLevel(RunOptions.TraceLevel.FULL_TRACE)
        .build();
    List<RunMetadata> mds = new ArrayList<>();
    long wall = 0;
    try (KerasModel m = KerasBridge.loadKeras(model, device)) {
      for (int i = 0; i < 5; i++) {
        m.predict(List.of(x), batch);
      }
      m.runtime().setRunOptions(full);
      for (int i = 0; i < steps; i++) {
        long t0 = System.nanoTime();
        m.predict(List.of(x), batch);
        wall += (System.nanoTime() - t0) / 1000;
        mds.add(m.runtime().lastRunMetadata());
      }
    }
    printStats("KerasBridge predict " + model, batch, steps, wall, mds);
    mds.clear();
    wall = 0;
    Path sm = model.resolveSibling("saved_model");
    try (SavedModelBundle b = SavedModelBundle.loader(sm.toString()).withTags("serve")
        .withConfigProto(org.kerasbridge.graph.SessionConfigs.forDevice(device)).load()) {
      SignatureDef sig = b.metaGraphDef().getSignatureDefMap().get("serving_default");
      String in = sig.getInputsMap().values().iterator().next().getName();
      String out = sig.getOutputsMap().values().iterator().next().getName();
      float[] f = x.toFloatArray();
      for (int i = 0; i < 5 + steps; i++) {
        try (TFloat32 t = TFloat32.tensorOf(x.tfShape(), DataBuffers.of(f, true, false))) {
          long t0 = System.nanoTime();
          Session.Runner r = b.session().runner().feed(in, t).fetch(out);
          if (i >= 5) {
            r.setOptions(full);
          }
          try (var res = i >= 5 ? r.runAndFetchMetadata() : r.run()) {
            if (i >= 5) {
              wall += (System.nanoTime() - t0) / 1000;
              mds.add(res.getMetadata().orElseThrow());
            }
          }
        }
      }
    }
    printStats("raw SavedModel " + sm, batch, steps, wall, mds);
  }

  private static void printStats(String what, int batch, int steps, long wallMicros,
      List<RunMetadata> mds) {
    Map<String, long[]> byType = new HashMap<>();
    for (RunMetadata md : mds) {
      for (var dev : md.getStepStats().getDevStatsList()) {
        for (NodeExecStats n : dev.getNodeStatsList()) {
          String label = n.getTimelineLabel();
          int eq = label.indexOf(" = ");
          String type = eq < 0 ? n.getNodeName() : label.substring(eq + 3).split("[(\\s]", 2)[0];
          long us = n.getOpEndRelMicros() - n.getOpStartRelMicros();
          byType.computeIfAbsent(type, k -> new long[2])[0] += us;
          byType.get(type)[1]++;
        }
      }
    }
    long total = byType.values().stream().mapToLong(v -> v[0]).sum();
    System.out.printf(Locale.ROOT, "%s batch %d, %d traced runs, wall %.2f ms/run, op time %.2f"
        + " ms/run%n", what, batch, steps, wallMicros / 1000.0 / steps, total / 1000.0 / steps);
    System.out.println("| op type | ms/run | share | calls/run |");
    System.out.println("|---|---:|---:|---:|");
    byType.entrySet().stream().sorted(Comparator.comparingLong(e -> -e.getValue()[0])).limit(12)
        .forEach(e -> System.out.printf(Locale.ROOT, "| %s | %.3f | %.1f%% | %d |%n", e.getKey(),
            e.getValue()[0] / 1000.0 / steps, 100.0 * e.getValue()[0] / Math.max(1, total),
            e.getValue()[1] / steps));
    System.out.println();
  }

  static double throughput(Runnable r, int rowsPerCall, double seconds) {
    for (int i = 0; i < 5; i++) {
      r.run();
    }
    long n = 0;
    long t0 = System.nanoTime();
    long end = t0 + (long) (seconds * 1e9);
    long t;
    do {
      r.run();
      n++;
      t = System.nanoTime();
    } while (t < end);
    return n * rowsPerCall / ((t - t0) / 1e9);
  }

  /** p50 and p99 in ms over {@code calls} calls, after 50 warm-up calls. */
  static double[] latency(Runnable r, int calls) {
    for (int i = 0; i < 50; i++) {
      r.run();
    }
    double[] ms = new double[calls];
    for (int i = 0; i < calls; i++) {
      long t0 = System.nanoTime();
      r.run();
      ms[i] = (System.nanoTime() - t0) / 1e6;
    }
    Arrays.sort(ms);
    return new double[] {ms[(int) (0.50 * (calls - 1))], ms[(int) Math.ceil(0.99 * (calls - 1))]};
  }

  static NpyArray rowsCycled(NpyArray x, int rows) {
    List<NpyArray> parts = new ArrayList<>();
    long have = 0;
    while (have < rows) {
      long take = Math.min(rows - have, x.shape()[0]);
      parts.add(x.sliceRows(0, take));
      have += take;
    }
    return NpyArray.concatRows(parts);
  }

  private static long[] withRows(long[] shape, long rows) {
    long[] s = shape.clone();
    s[0] = rows;
    return s;
  }

  static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
        .getOperatingSystemMXBean()).getProcessCpuTime();
  }

  static double peakRssMb() {
    return BenchJson.peakRssMb();
  }

  static void emit(Map<String, Object> fields) {
    BenchJson.emit(fields);
  }
}
