package org.kerasbridge.fuzz;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.kerasbridge.KerasBridge;
import org.kerasbridge.KerasBridgeException;
import org.kerasbridge.graph.Device;
import org.kerasbridge.losses.Losses;
import org.kerasbridge.model.InferenceModel;
import org.kerasbridge.model.KerasModel;
import org.kerasbridge.model.TensorSpec;
import org.kerasbridge.ndarray.DType;
import org.kerasbridge.ndarray.Npy;
import org.kerasbridge.ndarray.NpyArray;
import org.kerasbridge.optimizers.Optimizers;

/**
 * Runs one fuzz case in-process: writes its bytes to a scratch file, loads it through the public
 * entry point ({@link KerasBridge#load}), predicts on a small batch made from the model's input
 * specs, and takes one training step (with the file's compile config when it has one, else SGD
 * and MSE). A {@code .npy} case is read with {@link Npy#read} and fed to its fixture's model.
 * Each case runs on a worker thread with a timeout; a case still running then is a hang.
 */
final class FuzzRunner implements AutoCloseable {
  enum Result { SUCCESS, REFUSED, UNTYPED, OOM, HANG }

  /** How a case ended; {@code type} is the exception's simple name for REFUSED/UNTYPED/OOM. */
  record Outcome(Result result, String type, String stage, String detail) {
    boolean ok() {
      return result == Result.SUCCESS || result == Result.REFUSED;
    }
  }

  /** Inputs with more elements than this are not fed (the harness would spend the memory). */
  private static final long MAX_INPUT_ELEMENTS = 1 << 22;

  private final Path scratch;
  private final long timeoutMs;
  private ExecutorService worker = newWorker();
  private final Map<Path, InferenceModel> npyModels = new HashMap<>();
  private volatile String stage = "";

  private final int trainEvery;

  FuzzRunner(Path scratch, long timeoutMs) {
    this(scratch, timeoutMs, 1);
  }

  /**
   * @param trainEvery take the training step on cases whose index is a multiple of this (1: on
   *     every case that loads); building a training graph costs most of a case's time
   */
  FuzzRunner(Path scratch, long timeoutMs, int trainEvery) {
    this.scratch = scratch;
    this.timeoutMs = timeoutMs;
    this.trainEvery = trainEvery;
  }

  private static ExecutorService newWorker() {
    return Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "fuzz-case");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Runs a case with the timeout. A case hangs when it has used more than the timeout in CPU time
   * (the process's, so TensorFlow's own threads count) or more than 6 times the timeout in wall
   * time: on this shared 2-core machine wall time alone would call slow-but-finishing cases hangs
   * whenever other work runs, while a spinning loop still burns CPU and a deadlock still never
   * ends.
   */
  Outcome run(Mutator.Case c) {
    Future<Outcome> f = worker.submit(() -> runInline(c));
    long wall0 = System.nanoTime();
    long cpu0 = processCpuNanos();
    try {
      while (true) {
        try {
          return f.get(200, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
          long wall = (System.nanoTime() - wall0) / 1_000_000;
          long cpu = (processCpuNanos() - cpu0) / 1_000_000;
          if (cpu > timeoutMs || wall > 6 * timeoutMs) {
            f.cancel(true);
            worker.shutdownNow();
            worker = newWorker();
            return new Outcome(Result.HANG, "timeout", stage, "still running after " + wall
                + " ms (" + cpu + " ms CPU)");
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      return classify(e.getCause());
    }
  }

  static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
        .getOperatingSystemMXBean()).getProcessCpuTime();
  }

  /** Runs a case on the calling thread (no timeout); exceptions are classified, not thrown. */
  Outcome runInline(Mutator.Case c) {
    try {
      stage = "write";
      Path file = materialize(c);
      if (c.seed().kind() == FuzzCorpus.Kind.NPY) {
        stage = "read npy";
        NpyArray x = Npy.read(file);
        InferenceModel m = npyModels.computeIfAbsent(c.seed().dir(),
            d -> KerasBridge.load(d.resolve("model.keras"), Device.CPU));
        stage = "predict";
        m.predict(List.of(x), 32);
        return new Outcome(Result.SUCCESS, "", "predict", "");
      }
      if (c.index() % CLI_EVERY == 0) {
        // the same file through the CLI: exit 3 means a stack trace was shown to the user
        stage = "cli summary";
        int rc = cliSummary(file);
        if (rc != org.kerasbridge.cli.Main.OK && rc != org.kerasbridge.cli.Main.BAD_INPUT) {
          return new Outcome(Result.UNTYPED, "cli exit " + rc, stage, "kerasbridge summary "
              + file + " exited " + rc + " (expected 0 or 2)");
        }
      }
      stage = "load";
      try (InferenceModel m = KerasBridge.load(file, Device.CPU)) {
        exercise(m, new Random(c.index()), c.index() % trainEvery == 0);
      }
      return new Outcome(Result.SUCCESS, "", stage, "");
    } catch (Throwable t) {
      return classify(t);
    }
  }

  /** Every this many cases also go through {@code kerasbridge summary}. */
  static final int CLI_EVERY = 20;

  private static int cliSummary(Path file) {
    java.io.PrintStream err = System.err;
    java.io.PrintStream out = System.out;
    java.io.ByteArrayOutputStream sink = new java.io.ByteArrayOutputStream();
    try (java.io.PrintStream quiet = new java.io.PrintStream(sink, true,
        java.nio.charset.StandardCharsets.UTF_8)) {
      System.setErr(quiet);
      System.setOut(quiet);
      return org.kerasbridge.cli.Main.run("summary", file.toString());
    } finally {
      System.setErr(err);
      System.setOut(out);
    }
  }

  private void exercise(InferenceModel m, Random r, boolean train) {
    stage = "predict";
    List<NpyArray> x = new ArrayList<>();
    for (TensorSpec s : m.inputs()) {
      NpyArray a = array(s, r);
      if (a == null) {
        stage = "predict (input too large to feed)";
        return;
      }
      x.add(a);
    }
    List<NpyArray> predicted = m.predict(x, 2);
    if (!(m instanceof KerasModel km) || !train) {
      return;
    }
    stage = "compile";
    try {
      km.compileFromFile();
    } catch (KerasBridgeException e) {
      km.compile(Optimizers.create("sgd", 0.01), Losses.byName("mean_squared_error", null));
    }
    // targets shaped like what the model predicted (output specs may have unknown rank)
    List<NpyArray> y = new ArrayList<>();
    for (NpyArray p : predicted) {
      float[] v = p.castTo(DType.FLOAT32).toFloatArray();
      for (int i = 0; i < v.length; i++) {
        v[i] += 0.25f;
      }
      y.add(NpyArray.ofFloats(p.shape(), v));
    }
    stage = "train";
    if (Boolean.getBoolean("fuzz.debug")) {
      System.out.println("x " + x + " y " + y + " outputs " + m.outputs());
    }
    km.trainOnBatch(x, y, null);
  }

  /** A batch of 2 for {@code s}: free dimensions become 2, floats are small random values. */
  private static NpyArray array(TensorSpec s, Random r) {
    long[] shape = s.shape() == null ? new long[] {2} : s.shape();
    long n = 1;
    for (int i = 0; i < shape.length; i++) {
      if (shape[i] < 0) {
        shape[i] = i == 0 ? 2 : 3;
      }
      n *= shape[i];
      if (n > MAX_INPUT_ELEMENTS) {
        return null;
      }
    }
    DType t = s.dtype() == null ? DType.FLOAT32 : s.dtype();
    ByteBuffer b = ByteBuffer.allocate((int) n * t.itemSize()).order(ByteOrder.LITTLE_ENDIAN);
    if (t == DType.FLOAT32) {
      for (long i = 0; i < n; i++) {
        b.putFloat((float) r.nextGaussian());
      }
    }
    b.rewind();
    return NpyArray.of(t, shape, b);
  }

  private Path materialize(Mutator.Case c) throws IOException {
    Files.createDirectories(scratch);
    switch (c.seed().kind()) {
      case KERAS -> {
        return write(scratch.resolve("case.keras"), c.bytes());
      }
      case H5 -> {
        return write(scratch.resolve("case.h5"), c.bytes());
      }
      case NPY -> {
        return write(scratch.resolve("case.npy"), c.bytes());
      }
      default -> {
        Path dir = scratch.resolve("saved_model");
        Path vars = dir.resolve("variables");
        if (Files.isSymbolicLink(vars)) {
          Files.delete(vars);
        }
        Files.createDirectories(dir);
        Files.createSymbolicLink(vars, c.seed().dir().resolve("variables").toAbsolutePath());
        write(dir.resolve("saved_model.pb"), c.bytes());
        return dir;
      }
    }
  }

  private static Path write(Path p, byte[] b) throws IOException {
    Files.write(p, b);
    return p;
  }

  private Outcome classify(Throwable t) {
    if (t instanceof KerasBridgeException) {
      return new Outcome(Result.REFUSED, t.getClass().getSimpleName(), stage,
          String.valueOf(t.getMessage()));
    }
    if (t instanceof OutOfMemoryError) {
      return new Outcome(Result.OOM, t.getClass().getSimpleName(), stage, trace(t));
    }
    return new Outcome(Result.UNTYPED, t.getClass().getName(), stage, trace(t));
  }

  static String trace(Throwable t) {
    StringWriter w = new StringWriter();
    t.printStackTrace(new PrintWriter(w));
    String s = w.toString();
    return s.length() > 4000 ? s.substring(0, 4000) : s;
  }

  @Override
  public void close() {
    npyModels.values().forEach(InferenceModel::close);
    npyModels.clear();
    worker.shutdownNow();
  }

  static void deleteTree(Path p) {
    try (var s = Files.walk(p)) {
      s.sorted(java.util.Comparator.reverseOrder()).forEach(q -> {
        try {
          Files.delete(q);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
