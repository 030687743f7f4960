package org.kerasbridge.graph;

import com.google.protobuf.TextFormat;
import org.kerasbridge.InvalidInputException;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.GPUOptions;

/**
 * Session configuration as TensorFlow's {@link ConfigProto}. GPU memory grows on demand instead of
 * being taken whole at start-up, and ops without a kernel on the chosen device are placed softly
 * on CPU (as Keras does).
 *
 * <p>Extra settings (thread pools, Grappler, XLA) can be merged in without code changes: the
 * system property {@value #PROPERTY} (or the environment variable {@value #ENV}) holds a
 * text-format {@code ConfigProto}, e.g.
 * {@code intra_op_parallelism_threads: 2 graph_options { optimizer_options { global_jit_level: ON_1 } }}.
 * {@code bench/run.sh} uses it to measure each option; see {@code bench/RESULTS.md}.
 */
public final class SessionConfigs {
  /** System property with extra text-format {@code ConfigProto} settings. */
  public static final String PROPERTY = "kerasbridge.session.config";
  /** Environment variable with extra text-format {@code ConfigProto} settings. */
  public static final String ENV = "KERASBRIDGE_SESSION_CONFIG";

  private SessionConfigs() {}

  /**
   * A config for running on {@code device}. For {@code gpu:N} only GPU N is made visible, so it is
   * {@code /device:GPU:0} inside the session; for {@code cpu} no GPU is made visible at all.
   */
  public static ConfigProto forDevice(Device device) {
    ConfigProto.Builder b = ConfigProto.newBuilder().setAllowSoftPlacement(true);
    if (device.kind() == Device.Kind.GPU) {
      b.setGpuOptions(GPUOptions.newBuilder()
          .setAllowGrowth(true)
          .setVisibleDeviceList(Integer.toString(device.index())));
    } else {
      b.putDeviceCount("GPU", 0);
    }
    String extra = System.getProperty(PROPERTY, System.getenv(ENV));
    if (extra != null && !extra.isBlank()) {
      try {
        TextFormat.merge(extra, b);
      } catch (TextFormat.ParseException e) {
        throw new InvalidInputException(PROPERTY + "/" + ENV + ": not a text-format ConfigProto ("
            + e.getMessage() + "): " + extra);
      }
    }
    return b.build();
  }

  /** The config that shows every device TensorFlow can see, for listing them. */
  public static ConfigProto discovery() {
    return ConfigProto.newBuilder().setAllowSoftPlacement(true)
        .setGpuOptions(GPUOptions.newBuilder().setAllowGrowth(true)).build();
  }
}
