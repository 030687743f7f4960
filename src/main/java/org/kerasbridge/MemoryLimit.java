package org.kerasbridge;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The most memory a model may ask for, checked before anything is allocated: a model file's
 * dataset sizes before they are read, and every graph variable's size (weights and optimizer
 * slots, from the config's shapes) before it is created. A file that declares more is refused
 * with an {@link InvalidInputException} that states the size, instead of an
 * {@link OutOfMemoryError} or a native allocation failure.
 *
 * <p>The limit is the system property {@code kerasbridge.memoryLimit} (bytes, or with a suffix
 * {@code k}, {@code m}, {@code g}: {@code -Dkerasbridge.memoryLimit=2g}), else the machine's
 * available memory ({@code MemAvailable} of {@code /proc/meminfo}, else the JVM's view of free
 * physical memory), read each time it is checked. Arrays read into the Java heap are also held to
 * the heap's headroom ({@link #checkHeap}).
 */
public final class MemoryLimit {
  public static final String PROPERTY = "kerasbridge.memoryLimit";

  private MemoryLimit() {}

  /** The limit in bytes. */
  public static long bytes() {
    String p = System.getProperty(PROPERTY);
    if (p != null && !p.isBlank()) {
      return parse(p.strip());
    }
    return availableMemory();
  }

  /**
   * Refuses {@code bytes} when above {@link #bytes()}.
   *
   * @param what names what needs the memory, e.g. "file.h5: the model's variables"
   */
  public static void check(long bytes, String what) {
    long limit = bytes();
    if (bytes < 0 || bytes > limit) {
      throw new InvalidInputException(what + " need" + (what.endsWith("s") ? "" : "s") + " "
          + describe(bytes) + ", more than the memory limit of " + describe(limit) + " ("
          + (System.getProperty(PROPERTY) == null ? "the machine's available memory" : PROPERTY)
          + "; set -D" + PROPERTY + "=BYTES to change it)");
    }
  }

  /** {@link #check}, and also against the Java heap's headroom (for arrays read into it). */
  public static void checkHeap(long bytes, String what) {
    check(bytes, what);
    Runtime rt = Runtime.getRuntime();
    long headroom = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
    if (bytes > headroom) {
      throw new InvalidInputException(what + " need" + (what.endsWith("s") ? "" : "s") + " "
          + describe(bytes) + ", more than the " + describe(headroom) + " the Java heap has left"
          + " (raise -Xmx)");
    }
  }

  /** The byte size of {@code shape} with {@code itemSize}-byte elements, or -1 on overflow. */
  public static long sizeOf(long[] shape, int itemSize) {
    long n = itemSize;
    try {
      for (long d : shape) {
        if (d < 0) {
          return -1;
        }
        n = Math.multiplyExact(n, d);
      }
    } catch (ArithmeticException e) {
      return -1;
    }
    return n;
  }

  /** "17592186044416 bytes (16.0 TiB)"; "more than 2^63 bytes" for an overflowed size. */
  public static String describe(long bytes) {
    if (bytes < 0) {
      return "more than 2^63 bytes";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    double v = bytes;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return bytes + " bytes" + (u < 0 ? "" : String.format(Locale.ROOT, " (%.1f %s)", v,
        units[u]));
  }

  private static long parse(String s) {
    String t = s.toLowerCase(Locale.ROOT);
    long mult = 1;
    char last = t.charAt(t.length() - 1);
    if (last == 'k' || last == 'm' || last == 'g' || last == 't') {
      mult = 1L << (10 * ("kmgt".indexOf(last) + 1));
      t = t.substring(0, t.length() - 1);
    }
    try {
      return Math.multiplyExact(Long.parseLong(t.strip()), mult);
    } catch (NumberFormatException | ArithmeticException e) {
      throw new InvalidInputException(PROPERTY + "=" + s + " is not a size (expected bytes, or"
          + " a number with k, m, g or t)");
    }
  }

  private static long availableMemory() {
    try {
      Path meminfo = Path.of("/proc/meminfo");
      if (Files.isReadable(meminfo)) {
        for (String line : Files.readAllLines(meminfo)) {
          if (line.startsWith("MemAvailable:")) {
            String[] f = line.split("\\s+");
            return Long.parseLong(f[1]) * 1024;
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      // fall back to the JVM's view below
    }
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory
        .getOperatingSystemMXBean()).getFreeMemorySize();
  }
}
