package org.kerasbridge.graph;

import com.google.protobuf.TextFormat;
import org.kerasbridge.InvalidInputException;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.GPUOptions;
import org.tensorflow.proto.RewriterConfig;

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
    return forDevice(device, false);
  }

  /**
   * As {@link #forDevice(Device)}; with {@code unrolledLoops} (a graph with recurrent layers,
   * unrolled one set of ops per time step) on CPU, Grappler runs its rewrite passes once, without
   * the passes that found nothing on such graphs: the memory optimizer (GPU swapping and
   * recomputation), layout (NCHW for GPU convolutions), shape, loop and implementation selector.
   * Grappler runs at every first run of a new fetch set over the whole graph (9,000 to 12,000
   * nodes for a 60-step LSTM seq2seq or GRU training step), and this cut its CPU time from 4 to 6
   * s to about 2 s for those two models, while steady-state step time stayed that of the full
   * optimizer (measured interleaved in one JVM on the corpus models c046 and c081 and the
   * rnn_classifier and lstm_regressor fixtures). Turning the meta optimizer off entirely would
   * have saved the rest but made LSTM steps up to 20% slower. The settings of {@value #PROPERTY}
   * are merged after these.
   */
  public static ConfigProto forDevice(Device device, boolean unrolledLoops) {
    return forDevice(device, unrolledLoops, 0);
  }

  /**
   * Graphs with unrolled loops of at least this many ops at the session's first run (the model's
   * first trace) run without Grappler: see {@link #forDevice(Device, boolean, long)}.
   */
  public static final long LARGE_UNROLLED_GRAPH = 10_000;

  /**
   * As {@link #forDevice(Device, boolean)}; an unrolled graph of {@code graphOps} ops or more
   * ({@link #LARGE_UNROLLED_GRAPH}) on CPU runs with Grappler's meta optimizer off. Grappler
   * optimizes the whole graph again for every new set of fetches (predict, training step,
   * evaluate) at about 0.2 ms of CPU per node, and a recurrent layer unrolled over hundreds of
   * steps makes tens of thousands of forward nodes and over 100,000 for training: an Embedding +
   * LSTM over 500 tokens (keras-corpus h15, 21,597 forward ops) took 50 s of CPU for its first
   * training step with the lean settings and 20 s without Grappler, its first predict 4.7 s and
   * 1.2 s, and its steady steps were no slower without it (120-180 against 210-250 ms of CPU).
   * Smaller unrolled graphs keep the lean settings: there Grappler costs a second or two once and
   * made steady steps faster (the lstm_regressor fixture, 371 forward ops, about 20%; the c046
   * seq2seq, 60 steps, about 5%). Callers pass 0 for a model whose numbers depend on Grappler's
   * rewrites (half precision: Keras's graph gets the same fused float16 ops, and without them
   * c024 and c025 drift by 2e-5).
   */
  public static ConfigProto forDevice(Device device, boolean unrolledLoops, long graphOps) {
    ConfigProto.Builder b = ConfigProto.newBuilder().setAllowSoftPlacement(true);
    if (unrolledLoops && device.kind() == Device.Kind.CPU && graphOps >= LARGE_UNROLLED_GRAPH) {
      b.getGraphOptionsBuilder().getRewriteOptionsBuilder().setDisableMetaOptimizer(true);
    } else if (unrolledLoops && device.kind() == Device.Kind.CPU) {
      b.getGraphOptionsBuilder().getRewriteOptionsBuilder()
          .setMetaOptimizerIterations(RewriterConfig.NumIterationsType.ONE)
          .setMemoryOptimization(RewriterConfig.MemOptType.NO_MEM_OPT)
          .setLayoutOptimizer(RewriterConfig.Toggle.OFF)
          .setShapeOptimization(RewriterConfig.Toggle.OFF)
          .setLoopOptimization(RewriterConfig.Toggle.OFF)
          .setImplementationSelector(RewriterConfig.Toggle.OFF);
    }
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
