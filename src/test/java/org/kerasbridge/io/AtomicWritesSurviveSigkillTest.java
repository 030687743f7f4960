package org.kerasbridge.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kerasbridge.fixtures.Fixtures;
import org.kerasbridge.graph.Device;
import org.kerasbridge.model.KerasModel;
import org.kerasbridge.ndarray.Npy;
import org.kerasbridge.ndarray.NpyArray;

/**
 * {@code convert}, {@code fit --out} and {@code ModelCheckpoint}, run in a real child JVM
 * ({@link WriterChild}) that writes its target over and over, are killed with SIGKILL
 * ({@code Process.destroyForcibly}) at points drawn from a fixed seed: a random 0 to 40 ms after
 * the test sees a write begin (its temporary file appears). The target is then either byte for
 * byte the file that write was replacing or a complete later version that loads and predicts;
 * every other file in the directory is a temporary recognizably named after the dead process
 * ({@code .OUT.kbtmp-PID-...}), and the next write's {@link AtomicFiles#cleanStale} removes all
 * of them.
 */
class AtomicWritesSurviveSigkillTest {
  private static final long SEED = 20_261_204L;

  /**
   * Kills land up to this long after a write began: writes of the test model take about 10 to
   * 100 ms, so most kills cut a write short and some come just after one completed.
   */
  private static final int MAX_DELAY_MS = 40;

  @TempDir
  Path tmp;

  private record Case(String mode, String out) {}

  @Test
  void killedWritersNeverLoseTheFile() throws Exception {
    Path models = Fixtures.models();
    Path src = models.resolve("mlp_classifier/model.keras");
    Path x = models.resolve("mlp_classifier/input_0.npy");
    Path y = models.resolve("mlp_classifier/output_0.npy");
    List<Case> cases = List.of(new Case("convert", "out.keras"), new Case("convert", "out.h5"),
        new Case("fit", "trained.keras"), new Case("checkpoint", "ckpt.keras"),
        new Case("checkpoint", "ckpt.h5"));
    Random rng = new Random(SEED);
    List<String> report = new ArrayList<>();
    int keptOld = 0;
    int temporariesSeen = 0;
    for (int i = 0; i < cases.size(); i++) {
      Case c = cases.get(i);
      Path dir = Files.createDirectories(tmp.resolve("case" + i));
      Path out = dir.resolve(c.out());
      // the file the first write replaces: another model in the same format
      Path previous = models.resolve("linear_regressor").resolve(c.out().endsWith(".h5")
          ? "model.h5" : "model.keras");
      Files.copy(previous, out);
      List<String> args = new ArrayList<>(List.of(c.mode(), src.toString()));
      if (!c.mode().equals("convert")) {
        args.addAll(List.of(x.toString(), y.toString()));
      }
      args.add(out.toString());
      long delay = rng.nextInt(MAX_DELAY_MS);
      Killed k = runAndKill(args, out, delay, tmp.resolve("child" + i + ".err"));
      byte[] old = k.before();

      byte[] now = Files.readAllBytes(out);
      boolean isOld = Arrays.equals(now, old);
      if (isOld) {
        keptOld++;
      } else {
        assertCompleteModel(out);
      }
      List<String> others = new ArrayList<>();
      try (Stream<Path> s = Files.list(dir)) {
        s.filter(p -> !p.equals(out)).forEach(p -> others.add(p.getFileName().toString()));
      }
      String mine = "." + c.out() + AtomicFiles.TMP_TAG + k.pid() + "-";
      for (String o : others) {
        assertTrue(o.startsWith(mine), "case " + i + ": '" + o + "' is not a recognizable"
            + " temporary of the killed process " + k.pid() + " (" + mine + "...)");
      }
      temporariesSeen += others.size();
      assertEquals(others.size(), AtomicFiles.cleanStale(out), "stale temporaries removed");
      try (Stream<Path> s = Files.list(dir)) {
        assertEquals(List.of(out), s.toList(), "case " + i + ": only the target remains");
      }
      report.add(String.format("%s -> %s: killed %d ms after a write began (%d complete"
          + " before); target %s, %d temporary file(s) left and cleaned",
          c.mode(), c.out(), k.delayMs(), k.writes(),
          isOld ? "is the old file, byte for byte" : "is a complete newer model",
          others.size()));
    }
    report.forEach(System.out::println);
    // the seed puts kills in the middle of writes (the old file kept, temporaries left)
    assertTrue(keptOld >= 1, "some kill landed before a write completed:\n"
        + String.join("\n", report));
    assertTrue(temporariesSeen >= 1, "some kill landed mid-write:\n" + String.join("\n", report));
  }

  private static void assertCompleteModel(Path out) {
    try (KerasModel m = KerasModel.fromSpec(ModelFiles.read(out), Device.CPU)) {
      NpyArray x = Npy.read(Fixtures.models().resolve("mlp_classifier/input_0.npy"));
      for (float v : m.predict(List.of(x)).get(0).toFloatArray()) {
        assertTrue(Float.isFinite(v), out + " predicts " + v);
      }
    }
  }

  /** The next line starting with {@code prefix} (the CLI prints its own lines in between). */
  private static String next(BlockingQueue<String> lines, String prefix)
      throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
    while (System.nanoTime() < end) {
      String l = lines.poll(1, TimeUnit.SECONDS);
      if (l != null && (l.startsWith(prefix) || l.startsWith("FAILED"))) {
        return l;
      }
    }
    return null;
  }

  private record Killed(long pid, int writes, byte[] before, long delayMs) {}

  /**
   * Starts the child and kills it {@code delayMs} after a temporary file for {@code out} first
   * appears (a write has begun), keeping a copy of {@code out} as it was before that write.
   */
  private static Killed runAndKill(List<String> args, Path out, long delayMs, Path stderr)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx768m",
        "-cp", System.getProperty("java.class.path"), WriterChild.class.getName()));
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(stderr.toFile());
    pb.environment().put("TF_CPP_MIN_LOG_LEVEL", "2");
    byte[] before = Files.readAllBytes(out);
    Process p = pb.start();
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
          StandardCharsets.UTF_8))) {
        for (String l; (l = r.readLine()) != null; ) {
          lines.add(l);
        }
      } catch (IOException ignored) {
        // the process was killed
      }
    });
    reader.setDaemon(true);
    reader.start();
    String temp = "." + out.getFileName() + AtomicFiles.TMP_TAG;
    try {
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
      int writes = 0;
      boolean writing = false;
      while (!writing) {
        assertTrue(System.nanoTime() < end && p.isAlive(), "the child began no write: "
            + lines + " " + Files.readString(stderr));
        for (String l; (l = lines.poll()) != null; ) {
          assertTrue(!l.startsWith("FAILED"), l + " " + Files.readString(stderr));
          if (l.startsWith("WROTE")) {
            writes++;
            before = Files.readAllBytes(out); // the file the next write replaces
          }
        }
        try (Stream<Path> s = Files.list(out.getParent())) {
          writing = s.anyMatch(f -> f.getFileName().toString().startsWith(temp));
        } catch (IOException e) {
          writing = false; // a file vanished while listing
        }
        if (!writing) {
          Thread.sleep(1);
        }
      }
      Thread.sleep(delayMs);
      p.destroyForcibly();
      assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child died");
      reader.join(10_000);
      writes += (int) lines.stream().filter(l -> l.startsWith("WROTE")).count();
      return new Killed(p.pid(), writes, before, delayMs);
    } finally {
      p.destroyForcibly();
    }
  }
}
