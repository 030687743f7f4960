package org.kerasbridge.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CI fuzz sample: a fixed-seed run of {@code fuzz.cases} (default 2,000) mutated fixture
 * files, each loaded and predicted on in-process, and every {@code fuzz.trainEvery}-th (default
 * 4; {@code bench/fuzz.sh} trains on all) trained one step: building training graphs is most of
 * the cost, and the CI budget is about 3 minutes. Every case must succeed or
 * end in a {@link org.kerasbridge.KerasBridgeException} subclass: no other exception, no
 * OutOfMemoryError, no hang (see {@link FuzzRunner#run}). A failing case's bytes are written to
 * {@code target/fuzz-sample/failures/} for minimizing into {@code src/test/resources/fuzz-regressions/}.
 * {@code bench/fuzz.sh} runs the same harness over 100,000 cases in child JVMs.
 */
class FuzzSampleTest {
  @TempDir
  Path tmp;

  @Test
  void fixedSeedSampleEndsInSuccessOrTypedRefusal() throws Exception {
    long seed = Long.getLong("fuzz.seed", 20261204L);
    int cases = Integer.getInteger("fuzz.cases", 2000);
    FuzzCorpus corpus = FuzzCorpus.load(FuzzPaths.root(), 64 * 1024, false);
    Mutator m = new Mutator(corpus);
    Map<String, Integer> tally = new TreeMap<>();
    List<String> failures = new ArrayList<>();
    Path keep = FuzzPaths.root().resolve("target/fuzz-sample");
    int trainEvery = Integer.getInteger("fuzz.trainEvery", 4);
    try (FuzzRunner r = new FuzzRunner(tmp, 10_000, trainEvery)) {
      for (int i = 0; i < cases; i++) {
        Mutator.Case c = m.make(seed, i);
        FuzzRunner.Outcome o = r.run(c);
        tally.merge(o.result() + (o.type().isEmpty() ? "" : " " + o.type()), 1, Integer::sum);
        if (!o.ok()) {
          failures.add(c.describe() + ": " + o.result() + " at " + o.stage() + ": "
              + o.detail().lines().limit(6).reduce("", (a, b) -> a + "\n    " + b));
          FuzzMain.keep(keep, c, o.result() + " " + o.detail());
        }
      }
    }
    System.out.println("fuzz sample (seed " + seed + ", " + cases + " cases, training step on"
        + " every " + trainEvery + "): " + tally);
    assertTrue(failures.isEmpty(), failures.size() + " case(s) neither succeeded nor raised a"
        + " KerasBridgeException:\n" + String.join("\n", failures));
  }
}
