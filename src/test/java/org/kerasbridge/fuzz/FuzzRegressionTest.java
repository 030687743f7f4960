package org.kerasbridge.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replays every file in {@code src/test/resources/fuzz-regressions/}: each once failed (or is a
 * hostile structure made on purpose by {@code python-reference/hostile_h5.py}) and must now end in
 * success or a typed refusal. A sibling {@code NAME.txt} says where the case came from; a line
 * {@code expect: TYPE} in it pins the refusal's exception type.
 */
class FuzzRegressionTest {
  private static final Path DIR = FuzzPaths.root().resolve("src/test/resources/fuzz-regressions");

  @TempDir
  static Path tmp;

  @TestFactory
  Stream<DynamicTest> everyKeptCaseEndsInSuccessOrTypedRefusal() throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.list(DIR)) {
      files = s.filter(p -> p.toString().matches(".*\\.(keras|h5|pb|npy)$")).sorted().toList();
    }
    assertFalse(files.isEmpty(), "no regression files in " + DIR);
    FuzzRunner runner = new FuzzRunner(tmp, 10_000);
    return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
      FuzzRunner.Outcome o = runner.run(FuzzRegressions.load(f));
      assertTrue(o.ok(), f + ": " + o.result() + " " + o.type() + " at " + o.stage() + "\n"
          + o.detail());
      String name = f.getFileName().toString();
      Path note = f.resolveSibling(name.substring(0, name.lastIndexOf('.')) + ".txt");
      if (Files.exists(note)) {
        for (String line : Files.readAllLines(note)) {
          if (line.startsWith("expect: ")) {
            assertEquals(line.substring(8).strip(), o.type(), f + ": " + o.detail());
          }
        }
      }
    })).onClose(runner::close);
  }
}
