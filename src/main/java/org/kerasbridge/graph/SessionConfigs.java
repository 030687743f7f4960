package org.kerasbridge.graph;

import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.GPUOptions;

/**
 * Session configuration as TensorFlow's {@link ConfigProto}. GPU memory grows on demand instead of
 * being taken whole at start-up, and ops without a kernel on the chosen device are placed softly
 * on CPU (as Keras does).
 */
public final class SessionConfigs {
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
    return b.build();
  }

  /** The config that shows every device TensorFlow can see, for listing them. */
  public static ConfigProto discovery() {
    return ConfigProto.newBuilder().setAllowSoftPlacement(true)
        .setGpuOptions(GPUOptions.newBuilder().setAllowGrowth(true)).build();
  }
}
