package org.kerasbridge.graph;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.kerasbridge.InvalidInputException;

/**
 * A device request: {@code cpu}, {@code gpu} (the first GPU) or {@code gpu:N}. What actually runs
 * is decided by {@link Devices#place(Device)}, which falls back to CPU when no GPU is visible.
 */
public record Device(Kind kind, int index) {
  private static final Pattern SPEC = Pattern.compile("(cpu|gpu)(?::(\\d+))?");

  /** The two kinds of device KerasBridge places models on. */
  public enum Kind { CPU, GPU }

  public static final Device CPU = new Device(Kind.CPU, 0);

  public Device {
    if (index < 0) {
      throw new InvalidInputException("device index must be >= 0, got " + index);
    }
  }

  /** Parses {@code cpu}, {@code gpu} or {@code gpu:N} (case-insensitive). */
  public static Device parse(String spec) {
    Matcher m = SPEC.matcher(spec.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new InvalidInputException("device '" + spec + "' is not valid: expected cpu, gpu or"
          + " gpu:N");
    }
    Kind kind = m.group(1).equals("gpu") ? Kind.GPU : Kind.CPU;
    int index = m.group(2) == null ? 0 : Integer.parseInt(m.group(2));
    if (kind == Kind.CPU && index != 0) {
      throw new InvalidInputException("device '" + spec + "': only cpu (cpu:0) exists");
    }
    return new Device(kind, index);
  }

  /** TensorFlow's full device name, e.g. {@code /device:GPU:1}. */
  public String tfName() {
    return "/device:" + kind + ":" + index;
  }

  @Override
  public String toString() {
    return kind == Kind.CPU ? "cpu" : "gpu:" + index;
  }
}
