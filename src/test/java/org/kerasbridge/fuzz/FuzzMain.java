package org.kerasbridge.fuzz;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The fuzz run of {@code bench/fuzz.sh}, outside JUnit.
 *
 * <pre>
 *   FuzzMain --count 100000 --seed 1 --out target/fuzz [--chunk 2000] [--corpus]
 * </pre>
 *
 * <p>The parent process runs cases in child JVMs, {@code --chunk} at a time. A child writes
 * {@code S i} before case {@code i} and {@code E i RESULT TYPE} after it; a case that started and
 * never ended killed its JVM (a native crash, e.g. a TensorFlow {@code CHECK} failure) and is
 * counted as a crash, and the run goes on after it. A case still running after 10 s is a hang: the
 * child reports it and exits so its stuck thread dies with it. Every failing case's bytes are kept
 * in {@code out/failures/} with a description, for minimizing into
 * {@code src/test/resources/fuzz-regressions/}. The tally goes to {@code out/tally.txt}.
 *
 * <p>Before the cases, every seed file is run once unmutated ({@code --baseline} children, the
 * same stages and time limit). A seed that needs more than half the time limit by itself (a
 * legitimate model whose first predict or training step takes seconds here, such as an LSTM
 * unrolled over 500 time steps) cannot tell a hang caused by a mutation from its own cost, so it
 * is left out of the mutation pool, and the tally names it with its cost; its slowness is a
 * performance bug, not a fuzz finding. A seed that fails unmutated in any other way stays in the pool and is counted by
 * the cases that use it. {@code --exclude a,b} names the seeds to leave out instead of measuring.
 */
public final class FuzzMain {
  private static final boolean VERBOSE = Boolean.getBoolean("fuzz.verbose");

  private FuzzMain() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("--replay")) {
      Path scratch = Files.createTempDirectory("kerasbridge-fuzz-");
      try (FuzzRunner r = new FuzzRunner(scratch, 10_000)) {
        for (int i = 1; i < args.length; i++) {
          FuzzRunner.Outcome o = r.run(FuzzRegressions.load(Path.of(args[i])));
          System.out.println(args[i] + ": " + o.result() + " " + o.type() + " at " + o.stage()
              + "\n  " + o.detail());
        }
      } finally {
        FuzzRunner.deleteTree(scratch);
      }
      return;
    }
    long seed = 1;
    long count = 100_000;
    long start = 0;
    long chunk = 2_000;
    long timeoutMs = 10_000;
    boolean child = false;
    boolean corpus = false;
    boolean baseline = false;
    String exclude = null;
    Path out = Path.of("target/fuzz");
    Path root = Path.of(".");
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--seed" -> seed = Long.parseLong(args[++i]);
        case "--count" -> count = Long.parseLong(args[++i]);
        case "--start" -> start = Long.parseLong(args[++i]);
        case "--chunk" -> chunk = Long.parseLong(args[++i]);
        case "--timeout-ms" -> timeoutMs = Long.parseLong(args[++i]);
        case "--out" -> out = Path.of(args[++i]);
        case "--root" -> root = Path.of(args[++i]);
        case "--corpus" -> corpus = true;
        case "--baseline" -> baseline = true;
        case "--exclude" -> exclude = args[++i];
        case "--child" -> child = true;
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    Files.createDirectories(out.resolve("failures"));
    if (child && baseline) {
      System.exit(runBaselineChild(FuzzCorpus.load(root, 512 * 1024, corpus), start, timeoutMs,
          out));
    }
    Map<String, String> excluded = new TreeMap<>();
    if (exclude != null) {
      for (String e : exclude.split(",")) {
        if (!e.isBlank()) {
          excluded.put(e, "named by --exclude");
        }
      }
    } else if (!child) {
      excluded = measureBaseline(corpus, timeoutMs, out, root);
    }
    FuzzCorpus c = FuzzCorpus.load(root, 512 * 1024, corpus, excluded.keySet());
    if (child) {
      System.exit(runChild(c, seed, start, count, timeoutMs, out));
    }
    runParent(c, seed, start, count, chunk, timeoutMs, corpus, out, root, excluded);
  }

  private static int runChild(FuzzCorpus c, long seed, long start, long count, long timeoutMs,
      Path out) throws IOException {
    Mutator m = new Mutator(c);
    Path progress = out.resolve("progress-" + start + ".txt");
    Path scratch = Files.createTempDirectory("kerasbridge-fuzz-");
    try (BufferedWriter w = Files.newBufferedWriter(progress, StandardCharsets.UTF_8);
        FuzzRunner runner = new FuzzRunner(scratch, timeoutMs)) {
      for (long i = start; i < start + count; i++) {
        w.write("S " + i + "\n");
        w.flush();
        Mutator.Case k = m.make(seed, i);
        long t = System.nanoTime();
        FuzzRunner.Outcome o = runner.run(k);
        if (VERBOSE) {
          String d = o.detail().lines().findFirst().orElse("");
          System.out.printf("%d %d ms %s %s at %s: %s | %s%n", i, (System.nanoTime() - t)
              / 1_000_000, o.result(), o.type(), o.stage(), k.describe(),
              d.length() > 200 ? d.substring(0, 200) : d);
        }
        w.write("E " + i + " " + o.result() + " " + (o.type().isEmpty() ? "-" : o.type()) + "\n");
        w.flush();
        if (!o.ok()) {
          keep(out, k, o.result() + " " + o.type() + " at " + o.stage() + "\n" + o.detail());
        }
        if (o.result() == FuzzRunner.Result.HANG) {
          return 4;
        }
      }
    } finally {
      FuzzRunner.deleteTree(scratch);
    }
    return 0;
  }

  /** Runs the unmutated seeds from index {@code start}; writes {@code B i RESULT STAGE ms}. */
  private static int runBaselineChild(FuzzCorpus c, long start, long timeoutMs, Path out)
      throws IOException {
    Path progress = out.resolve("baseline-progress.txt");
    Path scratch = Files.createTempDirectory("kerasbridge-fuzz-");
    try (BufferedWriter w = Files.newBufferedWriter(progress, StandardCharsets.UTF_8,
        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        FuzzRunner runner = new FuzzRunner(scratch, timeoutMs)) {
      for (int i = (int) start; i < c.seeds.size(); i++) {
        FuzzCorpus.Seed sd = c.seeds.get(i);
        long t = System.nanoTime();
        long cpu = FuzzRunner.processCpuNanos();
        FuzzRunner.Outcome o = runner.run(new Mutator.Case(-1 - i, sd, "unmutated", sd.bytes()));
        w.write("B " + i + " " + o.result() + " " + o.stage() + " "
            + (System.nanoTime() - t) / 1_000_000 + " "
            + (FuzzRunner.processCpuNanos() - cpu) / 1_000_000 + "\n");
        w.flush();
        if (o.result() == FuzzRunner.Result.HANG) {
          return 4;
        }
      }
    } finally {
      FuzzRunner.deleteTree(scratch);
    }
    return 0;
  }

  /** The seeds over the time limit unmutated, by name, with the stage they were in. */
  private static Map<String, String> measureBaseline(boolean corpus, long timeoutMs, Path out,
      Path root) throws Exception {
    FuzzCorpus all = FuzzCorpus.load(root, 512 * 1024, corpus);
    Path progress = out.resolve("baseline-progress.txt");
    Files.deleteIfExists(progress);
    Map<String, String> slow = new TreeMap<>();
    long t0 = System.nanoTime();
    int next = 0;
    while (next < all.seeds.size()) {
      List<String> cmd = new ArrayList<>(childCommand());
      cmd.addAll(List.of("--child", "--baseline", "--start", Integer.toString(next),
          "--timeout-ms", Long.toString(timeoutMs), "--out", out.toString(), "--root",
          root.toString()));
      if (corpus) {
        cmd.add("--corpus");
      }
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(out.resolve("child.log").toFile()))
          .start();
      if (!p.waitFor(Math.max(600_000, all.seeds.size() * timeoutMs), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly().waitFor();
      }
      int before = next;
      for (String line : Files.readAllLines(progress)) {
        String[] f = line.split(" ");
        int i = Integer.parseInt(f[1]);
        if (i >= next) {
          next = i + 1;
          long cpuMs = Long.parseLong(f[5]);
          if (f[2].equals("HANG")) {
            slow.put(all.seeds.get(i).name(), "over the " + timeoutMs / 1000 + " s limit at "
                + f[3]);
          } else if (cpuMs > timeoutMs / 2) {
            slow.put(all.seeds.get(i).name(), cpuMs + " ms CPU, over half the limit");
          }
        }
      }
      if (next == before) {
        // the seed at `next` ended its JVM unmutated: counted by the cases that use it
        next++;
      }
    }
    System.out.printf("fuzz: baseline of %d seeds, %.0f s; left out (over half the limit"
        + " unmutated): %s%n", all.seeds.size(), (System.nanoTime() - t0) / 1e9, slow);
    return slow;
  }

  private static List<String> childCommand() {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return List.of(java, "-Xmx2g", "-XX:+UseSerialGC", "-cp",
        System.getProperty("java.class.path"), FuzzMain.class.getName());
  }

  private static long writeTally(Path out, long seed, long start, long done, long end,
      boolean corpus, long t0, Map<String, Long> tally, long crashes, long hangs,
      List<String> failures, Map<String, String> excluded, boolean print) throws IOException {
    long untyped = tally.entrySet().stream().filter(e -> e.getKey().startsWith("UNTYPED")
        || e.getKey().startsWith("OOM")).mapToLong(Map.Entry::getValue).sum();
    StringBuilder s = new StringBuilder();
    s.append("seed ").append(seed).append(", cases ").append(start).append("..")
        .append(done - 1).append(corpus ? " (fixtures + keras-corpus)" : " (fixtures)")
        .append(String.format(", %.0f s%n", (System.nanoTime() - t0) / 1e9));
    s.append("cases      ").append(done - start).append(done < end ? " (run in progress)" : "")
        .append('\n');
    s.append("successes  ").append(tally.getOrDefault("SUCCESS", 0L)).append('\n');
    tally.forEach((k, v) -> {
      if (k.startsWith("REFUSED")) {
        s.append("refused    ").append(k.substring(8)).append(' ').append(v).append('\n');
      }
    });
    s.append("crashes    ").append(crashes).append('\n');
    s.append("hangs      ").append(hangs).append('\n');
    s.append("untyped    ").append(untyped).append('\n');
    excluded.forEach((k, v) -> s.append("left out   ").append(k).append(" (unmutated: ")
        .append(v).append(")\n"));
    failures.forEach(f -> s.append("failure    ").append(f).append('\n'));
    Files.writeString(out.resolve("tally.txt"), s.toString(), StandardOpenOption.CREATE,
        StandardOpenOption.TRUNCATE_EXISTING);
    if (print) {
      System.out.print(s);
    }
    return untyped;
  }

  static void keep(Path out, Mutator.Case k, String why) throws IOException {
    String ext = switch (k.seed().kind()) {
      case KERAS -> ".keras";
      case H5 -> ".h5";
      case NPY -> ".npy";
      case SAVED_MODEL -> ".pb";
    };
    Path dir = Files.createDirectories(out.resolve("failures"));
    Files.write(dir.resolve("case-" + k.index() + ext), k.bytes());
    Files.writeString(dir.resolve("case-" + k.index() + ".txt"), k.describe() + "\n" + why
        + "\n");
  }

  private static void runParent(FuzzCorpus c, long seed, long start, long count, long chunk,
      long timeoutMs, boolean corpus, Path out, Path root, Map<String, String> excluded)
      throws Exception {
    Map<String, Long> tally = new TreeMap<>();
    long crashes = 0;
    long hangs = 0;
    List<String> failures = new ArrayList<>();
    long t0 = System.nanoTime();
    long next = start;
    long end = start + count;
    Mutator m = new Mutator(c);
    while (next < end) {
      long n = Math.min(chunk, end - next);
      List<String> cmd = new ArrayList<>(childCommand());
      cmd.addAll(List.of("--child", "--seed", Long.toString(seed), "--start",
          Long.toString(next), "--count", Long.toString(n), "--timeout-ms",
          Long.toString(timeoutMs), "--out", out.toString(), "--root", root.toString()));
      if (corpus) {
        cmd.add("--corpus");
      }
      cmd.addAll(List.of("--exclude", String.join(",", excluded.keySet())));
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(out.resolve("child.log").toFile()))
          .start();
      Path progress = out.resolve("progress-" + next + ".txt");
      // watchdog: a child whose progress file stops changing for 3 timeouts is stuck
      long lastSize = -1;
      long lastChange = System.nanoTime();
      while (!p.waitFor(2, TimeUnit.SECONDS)) {
        long size = Files.exists(progress) ? Files.size(progress) : 0;
        if (size != lastSize) {
          lastSize = size;
          lastChange = System.nanoTime();
        } else if (System.nanoTime() - lastChange > TimeUnit.MILLISECONDS.toNanos(
            3 * timeoutMs + 60_000)) {
          p.destroyForcibly().waitFor();
          break;
        }
      }
      int rc = p.exitValue();
      long started = -1;
      long lastEnded = next - 1;
      for (String line : Files.exists(progress) ? Files.readAllLines(progress)
          : List.<String>of()) {
        String[] f = line.split(" ");
        if (f[0].equals("S")) {
          started = Long.parseLong(f[1]);
        } else if (f.length >= 4) {
          lastEnded = Long.parseLong(f[1]);
          String key = f[2].equals("SUCCESS") ? "SUCCESS" : f[2] + " " + f[3];
          tally.merge(key, 1L, Long::sum);
          if (f[2].equals("HANG")) {
            hangs++;
            failures.add(lastEnded + " HANG");
          } else if (!f[2].equals("SUCCESS") && !f[2].equals("REFUSED")) {
            failures.add(lastEnded + " " + f[2] + " " + f[3]);
          }
        }
      }
      if (started > lastEnded) {
        // the case that started and never ended took the JVM with it
        boolean killed = rc != 0 && rc != 4;
        Mutator.Case k = m.make(seed, started);
        String what = killed ? "CRASH (child exit " + rc + ")" : "HANG (watchdog)";
        if (killed) {
          crashes++;
        } else {
          hangs++;
        }
        tally.merge(killed ? "CRASH" : "HANG watchdog", 1L, Long::sum);
        failures.add(started + " " + what);
        keep(out, k, what);
        next = started + 1;
      } else {
        next = lastEnded + 1;
        if (rc != 0 && rc != 4 && next < end) {
          throw new IllegalStateException("child exited " + rc + " without starting a case; see "
              + out.resolve("child.log"));
        }
      }
      Files.deleteIfExists(progress);
      writeTally(out, seed, start, next, end, corpus, t0, tally, crashes, hangs, failures, excluded,
          false);
      System.out.printf("fuzz: %d/%d cases, %.0f s%n", next - start, count,
          (System.nanoTime() - t0) / 1e9);
    }
    long untyped = writeTally(out, seed, start, next, end, corpus, t0, tally, crashes, hangs,
        failures, excluded, true);
    System.exit(crashes + hangs + untyped == 0 ? 0 : 1);
  }
}
