package org.kerasbridge.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TensorFlow's rule for which CPUs run half precision through oneDNN, on known flag sets. */
class OneDnnTest {
  private static final Set<String> SKYLAKE_X = Set.of("avx2", "avx512f", "avx512bw", "avx512vl");
  private static final Set<String> SAPPHIRE_RAPIDS = Set.of("avx2", "avx512f", "avx512bw",
      "avx512_fp16", "avx512_bf16", "amx_bf16", "amx_tile");
  private static final Set<String> ZEN3 = Set.of("avx", "avx2", "fma", "f16c");

  @Test
  void float16NeedsAvx512Fp16OrAmxFp16OrAvxNeConvert() {
    assertFalse(OneDnn.supports("float16", SKYLAKE_X));
    assertTrue(OneDnn.supports("float16", SAPPHIRE_RAPIDS));
    assertFalse(OneDnn.supports("float16", ZEN3));
    assertTrue(OneDnn.supports("float16", Set.of("avx512bw", "amx_fp16")));
    assertFalse(OneDnn.supports("float16", Set.of("avx512_fp16")), "AVX512BW is required too");
    assertTrue(OneDnn.supports("float16", Set.of("avx2", "avx_ne_convert")));
  }

  @Test
  void bfloat16NeedsAvx512fOrAvxNeConvert() {
    assertTrue(OneDnn.supports("bfloat16", SKYLAKE_X));
    assertFalse(OneDnn.supports("bfloat16", ZEN3));
    assertTrue(OneDnn.supports("bfloat16", Set.of("avx_ne_convert")));
    assertTrue(OneDnn.supports("float32", ZEN3));
    assertFalse(OneDnn.supports("float64", SAPPHIRE_RAPIDS));
  }

  @Test
  void theEnvironmentVariableTurnsOneDnnOffOnlyWithZeroOrFalse() {
    assertTrue(OneDnn.enabled(null, "amd64"));
    assertTrue(OneDnn.enabled("1", "amd64"));
    assertFalse(OneDnn.enabled("0", "amd64"));
    assertFalse(OneDnn.enabled(" False ", "x86_64"));
    assertFalse(OneDnn.enabled(null, "aarch64"), "oneDNN's x86 kernels only");
  }

  @Test
  void flagsAreReadFromTheFirstFlagsLine(@TempDir Path dir) throws Exception {
    Path info = dir.resolve("cpuinfo");
    Files.writeString(info, "processor\t: 0\nmodel name\t: X\nflags\t\t: fpu avx512bw avx512_fp16"
        + "\n\nprocessor\t: 1\nflags\t\t: fpu\n");
    assertEquals(Set.of("fpu", "avx512bw", "avx512_fp16"), OneDnn.readFlags(info));
    assertEquals(Set.of(), OneDnn.readFlags(dir.resolve("absent")));
  }
}
