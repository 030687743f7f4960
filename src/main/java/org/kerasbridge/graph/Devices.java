package org.kerasbridge.graph;

import static org.tensorflow.internal.c_api.global.tensorflow.TF_CloseSession;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeleteDeviceList;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeleteGraph;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeleteSession;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeleteSessionOptions;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeleteStatus;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeviceListCount;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeviceListMemoryBytes;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeviceListName;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeviceListType;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_GetCode;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_Message;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_NewGraph;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_NewSession;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_NewSessionOptions;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_NewStatus;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_SessionListDevices;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_SetConfig;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.BytePointer;
import org.kerasbridge.KerasBridgeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tensorflow.TensorFlow;
import org.tensorflow.internal.c_api.TF_DeviceList;
import org.tensorflow.internal.c_api.TF_Graph;
import org.tensorflow.internal.c_api.TF_Session;
import org.tensorflow.internal.c_api.TF_SessionOptions;
import org.tensorflow.internal.c_api.TF_Status;
import org.tensorflow.proto.ConfigProto;

/**
 * What TensorFlow can run on here, and where a model is placed. TF Java has no public call that
 * lists devices, so this asks the C API ({@code TF_SessionListDevices}) on a throw-away session;
 * every native handle is freed before returning.
 */
public final class Devices {
  static {
    NativeLogging.configure(); // before any TensorFlow native loads
  }

  private static final Logger LOG = LoggerFactory.getLogger(Devices.class);
  private static final String GPU_NATIVES = "org/tensorflow/internal/c_api/linux-x86_64-gpu/";

  private Devices() {}

  /** One device as TensorFlow reports it. */
  public record DeviceInfo(String name, String type, long memoryBytes) {}

  /**
   * Where a model runs: the device asked for, the device chosen, and the one line that says so.
   *
   * @param requested what the user asked for
   * @param actual what the session will use
   * @param config the session configuration for {@code actual}
   * @param message the line logged at start-up
   */
  public record Placement(Device requested, Device actual, ConfigProto config, String message) {
    public boolean fellBack() {
      return !requested.equals(actual);
    }
  }

  /** True when the TensorFlow natives on the class path are the CUDA build (the gpu profile). */
  public static boolean gpuNativesPresent() {
    return Devices.class.getClassLoader().getResource(GPU_NATIVES) != null;
  }

  /** The native build on the class path, as named by its Maven classifier. */
  public static String nativeBuild() {
    return gpuNativesPresent() ? "linux-x86_64-gpu" : "linux-x86_64";
  }

  /** Every device a session created with {@code config} can see. */
  public static List<DeviceInfo> list(ConfigProto config) {
    TensorFlow.version(); // loads the native library
    TF_Status status = TF_NewStatus();
    TF_Graph graph = TF_NewGraph();
    TF_SessionOptions opts = TF_NewSessionOptions();
    TF_Session session = null;
    TF_DeviceList devices = null;
    try {
      byte[] bytes = config.toByteArray();
      try (BytePointer p = new BytePointer(bytes)) {
        TF_SetConfig(opts, p, bytes.length, status);
      }
      check(status, "configuring a session");
      session = TF_NewSession(graph, opts, status);
      check(status, "creating a session");
      devices = TF_SessionListDevices(session, status);
      check(status, "listing devices");
      List<DeviceInfo> out = new ArrayList<>();
      for (int i = 0, n = TF_DeviceListCount(devices); i < n; i++) {
        String name = TF_DeviceListName(devices, i, status).getString();
        String type = TF_DeviceListType(devices, i, status).getString();
        long mem = TF_DeviceListMemoryBytes(devices, i, status);
        check(status, "reading device " + i);
        out.add(new DeviceInfo(name, type, mem));
      }
      return out;
    } finally {
      if (devices != null) {
        TF_DeleteDeviceList(devices);
      }
      if (session != null) {
        TF_CloseSession(session, status);
        TF_DeleteSession(session, status);
      }
      TF_DeleteSessionOptions(opts);
      TF_DeleteGraph(graph);
      TF_DeleteStatus(status);
    }
  }

  /** Number of GPUs TensorFlow can use here (0 on the CPU build, or without a CUDA device). */
  public static int gpuCount() {
    return (int) list(SessionConfigs.discovery()).stream()
        .filter(d -> d.type().equalsIgnoreCase("GPU")).count();
  }

  /**
   * Chooses the device for a request and logs one line saying which it is. A GPU request on a
   * machine (or native build) without that GPU falls back to CPU, and the line says why.
   */
  public static Placement place(Device requested) {
    String build = nativeBuild();
    Placement p;
    if (requested.kind() == Device.Kind.CPU) {
      p = new Placement(requested, Device.CPU, SessionConfigs.forDevice(Device.CPU),
          "KerasBridge: running on CPU (/device:CPU:0); TensorFlow " + TensorFlow.version()
              + ", natives " + build + "; " + OneDnn.describe());
    } else {
      int gpus = gpuCount();
      if (requested.index() < gpus) {
        p = new Placement(requested, requested, SessionConfigs.forDevice(requested),
            "KerasBridge: running on GPU " + requested.index() + " (" + requested.tfName()
                + ", " + gpus + " visible); TensorFlow " + TensorFlow.version() + ", natives "
                + build);
      } else {
        String why = !gpuNativesPresent()
            ? "these are the CPU natives; build with -Pgpu for CUDA"
            : gpus == 0 ? "no CUDA GPU is visible to TensorFlow"
                : "only " + gpus + " GPU(s) are visible";
        p = new Placement(requested, Device.CPU, SessionConfigs.forDevice(Device.CPU),
            "KerasBridge: requested " + requested + " but " + why
                + "; falling back to CPU (/device:CPU:0); TensorFlow " + TensorFlow.version()
                + ", natives " + build);
      }
    }
    if (p.fellBack()) {
      LOG.warn(p.message());
    } else {
      LOG.info(p.message());
    }
    return p;
  }

  private static void check(TF_Status status, String what) {
    int code = TF_GetCode(status);
    if (code != 0) {
      throw new KerasBridgeException("TensorFlow failed " + what + ": "
          + TF_Message(status).getString());
    }
  }
}
