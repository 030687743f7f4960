package org.kerasbridge.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.kerasbridge.InvalidInputException;
import org.kerasbridge.KerasBridge;
import org.kerasbridge.model.KerasModel;
import org.kerasbridge.ndarray.NpyArray;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.OptimizerOptions;
import org.tensorflow.proto.RewriterConfig;
import org.tensorflow.proto.RunOptions;

/** The ConfigProto override, step statistics, and the oneDNN-friendly ops the bench relies on. */
class SessionConfigsTest {
  @AfterEach
  void clear() {
    System.clearProperty(SessionConfigs.PROPERTY);
  }

  @Test
  void textFormatSettingsAreMergedIntoTheDeviceConfig() {
    System.setProperty(SessionConfigs.PROPERTY, "intra_op_parallelism_threads: 3 graph_options {"
        + " optimizer_options { global_jit_level: ON_1 } }");
    ConfigProto c = SessionConfigs.forDevice(Device.CPU);
    assertEquals(3, c.getIntraOpParallelismThreads());
    assertEquals(OptimizerOptions.GlobalJitLevel.ON_1,
        c.getGraphOptions().getOptimizerOptions().getGlobalJitLevel());
    assertTrue(c.getAllowSoftPlacement());
    assertEquals(0, c.getDeviceCountOrDefault("GPU", -1));
  }

  @Test
  void unrolledLoopsRunGrapplerOnceWithoutPassesThatFindNothingThereUnlessTheSettingsSayOtherwise() {
    RewriterConfig plain = SessionConfigs.forDevice(Device.CPU).getGraphOptions()
        .getRewriteOptions();
    assertEquals(RewriterConfig.getDefaultInstance(), plain);
    RewriterConfig lean = SessionConfigs.forDevice(Device.CPU, true).getGraphOptions()
        .getRewriteOptions();
    assertEquals(RewriterConfig.NumIterationsType.ONE, lean.getMetaOptimizerIterations());
    assertEquals(RewriterConfig.MemOptType.NO_MEM_OPT, lean.getMemoryOptimization());
    assertEquals(RewriterConfig.Toggle.OFF, lean.getLayoutOptimizer());
    assertFalse(lean.getDisableMetaOptimizer());
    // remapper, constant folding, arithmetic and dependency optimization stay on (default)
    assertEquals(RewriterConfig.Toggle.DEFAULT, lean.getRemapping());
    assertEquals(RewriterConfig.Toggle.DEFAULT, lean.getConstantFolding());
    try (KerasModel rnn = KerasBridge.loadKeras(Path.of("models/rnn_classifier/model.keras"),
            Device.CPU);
        KerasModel cnn = KerasBridge.loadKeras(Path.of("models/mnist_cnn/model.keras"),
            Device.CPU)) {
      assertEquals(lean, rnn.runtime().sessionConfig().getGraphOptions().getRewriteOptions());
      assertEquals(plain, cnn.runtime().sessionConfig().getGraphOptions().getRewriteOptions());
    }
    // a large unrolled graph runs without Grappler, unless its numbers depend on it (half
    // precision); a CPU graph without loops keeps the defaults whatever its size
    assertTrue(SessionConfigs.forDevice(Device.CPU, true, SessionConfigs.LARGE_UNROLLED_GRAPH)
        .getGraphOptions().getRewriteOptions().getDisableMetaOptimizer());
    assertEquals(lean, SessionConfigs.forDevice(Device.CPU, true,
        SessionConfigs.LARGE_UNROLLED_GRAPH - 1).getGraphOptions().getRewriteOptions());
    try (KerasModel half = KerasBridge.loadKeras(Path.of("models/corpus/c024/model.keras"),
        Device.CPU)) { // float16 LSTMs over 500 steps
      assertEquals(lean, half.runtime().sessionConfig().getGraphOptions().getRewriteOptions());
    }
    Path h15 = Path.of("../shared/keras-corpus/h15/model.h5");
    if (java.nio.file.Files.isRegularFile(h15)) { // Embedding + LSTM over 500 tokens, float32
      try (KerasModel big = KerasBridge.loadKeras(h15, Device.CPU)) {
        assertTrue(big.runtime().sessionConfig().getGraphOptions().getRewriteOptions()
            .getDisableMetaOptimizer());
      }
    }
    System.setProperty(SessionConfigs.PROPERTY,
        "graph_options { rewrite_options { meta_optimizer_iterations: TWO } }");
    assertEquals(RewriterConfig.NumIterationsType.TWO, SessionConfigs.forDevice(Device.CPU, true)
        .getGraphOptions().getRewriteOptions().getMetaOptimizerIterations());
  }

  @Test
  void malformedSettingsAreATypedErrorNamingTheProperty() {
    System.setProperty(SessionConfigs.PROPERTY, "intra_op_parallelism_threads: lots");
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> SessionConfigs.forDevice(Device.CPU));
    assertTrue(e.getMessage().contains(SessionConfigs.PROPERTY), e.getMessage());
  }

  @Test
  void maxPoolingUsesTheMaxPoolOpThatOneDnnRewritesAndStepStatsAreCollected() {
    try (KerasModel m = KerasBridge.loadKeras(Path.of("models/mnist_cnn/model.keras"),
        Device.CPU)) {
      m.runtime().setRunOptions(RunOptions.newBuilder()
          .setTraceLevel(RunOptions.TraceLevel.FULL_TRACE).build());
      m.predict(List.of(NpyArray.ofFloats(new long[] {1, 28, 28, 1}, new float[784])), 1);
      assertTrue(m.runtime().lastRunMetadata().getStepStats().getDevStatsCount() > 0);
      Set<String> types = new HashSet<>();
      m.runtime().graph().operations().forEachRemaining(o -> types.add(o.type()));
      assertTrue(types.contains("MaxPool"), types.toString());
      assertFalse(types.contains("MaxPoolV2"), "MaxPoolV2 is not rewritten to oneDNN");
    }
  }
}
