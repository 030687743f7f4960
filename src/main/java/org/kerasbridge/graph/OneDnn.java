package org.kerasbridge.graph;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Which kernels TensorFlow's CPU build runs a dtype through on this machine: oneDNN's or Eigen's.
 *
 * <p>It matters for half precision. TensorFlow (2.18 here, 2.21 in Keras's Python) hands float16
 * and bfloat16 ops to oneDNN only when the CPU has the instructions for them, and oneDNN's
 * float16 matmul and convolution round differently from Eigen's (bias and activation fused
 * before the one rounding to float16). So the same Keras model gives float16 outputs that differ
 * by float16 ulps between, say, a Sapphire Rapids Xeon (AVX512-FP16) and an older AVX-512 one.
 * KerasBridge builds the graph Keras builds and runs it through the same TensorFlow kernels, so
 * on a given machine it matches Keras on that machine; a reference computed on the other kind of
 * CPU is not the reference. This class tells which kind this machine is, by TensorFlow's own
 * rule ({@code IsDataTypeSupportedByOneDNNOnThisCPU} in tensorflow/core/util/util.cc):
 *
 * <ul>
 *   <li>float32: oneDNN whenever oneDNN is on;
 *   <li>bfloat16: AVX512F, or AVX-NE-CONVERT;
 *   <li>float16: AVX512BW with AVX512-FP16 or AMX-FP16, or AVX-NE-CONVERT.
 * </ul>
 *
 * <p>oneDNN is on in TensorFlow's Linux x86-64 builds unless {@code TF_ENABLE_ONEDNN_OPTS} is
 * {@code 0} or {@code false} (read once, when TensorFlow loads). CPU features are read from
 * {@code /proc/cpuinfo}; where that file is absent (not Linux) no half-precision dtype is
 * reported as oneDNN's.
 */
public final class OneDnn {
  private static final Set<String> FLAGS = readFlags(Path.of("/proc/cpuinfo"));

  private OneDnn() {}

  /** True when TensorFlow runs oneDNN's CPU kernels in this process. */
  public static boolean enabled() {
    return enabled(System.getenv("TF_ENABLE_ONEDNN_OPTS"), System.getProperty("os.arch", ""));
  }

  static boolean enabled(String env, String arch) {
    String a = arch.toLowerCase(Locale.ROOT);
    if (!(a.equals("amd64") || a.equals("x86_64"))) {
      return false;
    }
    if (env == null) {
      return true;
    }
    String v = env.trim().toLowerCase(Locale.ROOT);
    return !(v.equals("0") || v.equals("false"));
  }

  /**
   * True when TensorFlow's CPU kernels for {@code dtype} (a Keras dtype name: {@code float32},
   * {@code float16}, {@code bfloat16}) are oneDNN's on this machine.
   */
  public static boolean computes(String dtype) {
    return enabled() && supports(dtype, FLAGS);
  }

  /** TensorFlow's rule, on a set of {@code /proc/cpuinfo} flags. */
  static boolean supports(String dtype, Set<String> flags) {
    switch (dtype) {
      case "float32":
        return true;
      case "bfloat16":
        return flags.contains("avx512f") || flags.contains("avx_ne_convert");
      case "float16":
        return (flags.contains("avx512bw")
            && (flags.contains("avx512_fp16") || flags.contains("amx_fp16")))
            || flags.contains("avx_ne_convert");
      default:
        return false;
    }
  }

  /** One line for logs: which kernels float16 and bfloat16 run through here. */
  public static String describe() {
    if (!enabled()) {
      return "oneDNN off";
    }
    return "oneDNN on; float16 via " + (computes("float16") ? "oneDNN" : "Eigen")
        + ", bfloat16 via " + (computes("bfloat16") ? "oneDNN" : "Eigen");
  }

  static Set<String> readFlags(Path cpuinfo) {
    if (!Files.isReadable(cpuinfo)) {
      return Set.of();
    }
    try (Stream<String> lines = Files.lines(cpuinfo)) {
      return lines.filter(l -> l.startsWith("flags"))
          .findFirst()
          .map(l -> l.substring(l.indexOf(':') + 1).trim())
          .map(s -> Arrays.stream(s.split("\\s+")).collect(Collectors.toUnmodifiableSet()))
          .orElse(Set.of());
    } catch (IOException | RuntimeException e) {
      return Set.of();
    }
  }
}
