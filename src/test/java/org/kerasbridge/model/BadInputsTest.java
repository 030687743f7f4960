package org.kerasbridge.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kerasbridge.InvalidInputException;
import org.kerasbridge.KerasBridge;
import org.kerasbridge.cli.MainAccess;
import org.kerasbridge.fixtures.Fixtures;
import org.kerasbridge.graph.Device;
import org.kerasbridge.io.savedmodel.SavedModel;
import org.kerasbridge.ndarray.DType;
import org.kerasbridge.ndarray.Npy;
import org.kerasbridge.ndarray.NpyArray;

/**
 * Bad arrays handed to {@code predict}, {@code fit} and {@code parity} (Java API and CLI) give
 * one typed message naming the input by position and Keras name with the expected dtype and
 * shape; NaN/Inf pass through predict (as in Keras) but are refused by fit; a NaN loss stops fit
 * without anything being written.
 */
class BadInputsTest {
  private static final Path MLP = Fixtures.models().resolve("mlp_classifier");

  @TempDir
  Path tmp;

  private static NpyArray x() {
    return Npy.read(MLP.resolve("input_0.npy"));
  }

  private static NpyArray floats(long[] shape, float fill) {
    int n = 1;
    for (long d : shape) {
      n *= (int) d;
    }
    float[] v = new float[n];
    java.util.Arrays.fill(v, fill);
    return NpyArray.ofFloats(shape, v);
  }

  /** {@code a} with element {@code flat} set to {@code v}. */
  private static NpyArray with(NpyArray a, int flat, float v) {
    float[] f = a.castTo(DType.FLOAT32).toFloatArray();
    f[flat] = v;
    return NpyArray.ofFloats(a.shape(), f);
  }

  private static void says(Exception e, String... fragments) {
    for (String f : fragments) {
      assertTrue(e.getMessage().contains(f), "says \"" + f + "\": " + e.getMessage());
    }
  }

  @Test
  void predictNamesTheInputAndWhatItExpects() {
    try (KerasModel m = KerasBridge.loadKeras(MLP.resolve("model.keras"), Device.CPU);
        SavedModel sm = SavedModel.load(MLP.resolve("saved_model"))) {
      for (InferenceModel model : List.<InferenceModel>of(m, sm)) {
        String name = "input 0 '" + model.inputs().get(0).name() + "'";
        says(assertThrows(InvalidInputException.class,
            () -> model.predict(List.of(floats(new long[] {4, 28, 28}, 0)))),
            name, "has shape (4, 28, 28)", "expected float32 (None, 784)");
        says(assertThrows(InvalidInputException.class,
            () -> model.predict(List.of(floats(new long[] {4, 783}, 0)))),
            name, "(4, 783)", "expected float32 (None, 784)");
        says(assertThrows(InvalidInputException.class,
            () -> model.predict(List.of(floats(new long[] {0, 784}, 0)))),
            name, "is empty", "(0, 784)");
        says(assertThrows(InvalidInputException.class,
            () -> model.predict(List.of(NpyArray.ofFloats(new long[0], 1f)))), name,
            "is a scalar");
        says(assertThrows(InvalidInputException.class, () -> model.predict(List.of(x(), x()))),
            "takes 1 input(s)", "got 2 array(s)");
        says(assertThrows(InvalidInputException.class, () -> model.predict(List.of())),
            "takes 1 input(s)", "got 0");
      }
      // a SavedModel signature takes exactly its dtype; a KerasModel casts as Keras does
      NpyArray doubles = x().castTo(DType.FLOAT64);
      says(assertThrows(InvalidInputException.class, () -> sm.predict(List.of(doubles))),
          "has dtype float64", "expected float32 (None, 784)");
      assertArrayEquals(m.predict(List.of(x())).get(0).toFloatArray(),
          m.predict(List.of(doubles)).get(0).toFloatArray());
    }
  }

  @Test
  void severalInputsMustAgreeOnTheSampleCount() {
    Path dir = Fixtures.models().resolve("layers/merge_add");
    try (KerasModel m = KerasBridge.loadKeras(dir.resolve("model.keras"), Device.CPU)) {
      NpyArray a = Npy.read(dir.resolve("input_0.npy"));
      NpyArray b = Npy.read(dir.resolve("input_1.npy"));
      NpyArray c = Npy.read(dir.resolve("input_2.npy")).sliceRows(0, 2);
      says(assertThrows(InvalidInputException.class, () -> m.predict(List.of(a, b, c))),
          "input 2 '" + m.inputs().get(2).name() + "' has 2 samples",
          "input 0 '" + m.inputs().get(0).name() + "' has 3");
    }
  }

  /** Integer inputs (an Embedding's indices) take whole numbers only: a cast would change them. */
  @Test
  void integerInputsRefuseFractionsAndNaN() {
    Path dir = Fixtures.models().resolve("layers/embedding");
    try (KerasModel m = KerasBridge.loadKeras(dir.resolve("model.keras"), Device.CPU)) {
      NpyArray ids = Npy.read(dir.resolve("input_0.npy"));
      NpyArray asFloats = ids.castTo(DType.FLOAT32);
      assertArrayEquals(m.predict(List.of(ids)).get(0).toFloatArray(),
          m.predict(List.of(asFloats)).get(0).toFloatArray(), "whole floats are cast");
      String name = "input 0 '" + m.inputs().get(0).name() + "'";
      says(assertThrows(InvalidInputException.class,
          () -> m.predict(List.of(with(asFloats, 7, 1.5f)))), name, "holds 1.5 at index [1, 1]",
          "expected int32 (None, 6)");
      says(assertThrows(InvalidInputException.class,
          () -> m.predict(List.of(with(asFloats, 0, Float.NaN)))), name, "holds NaN");
    }
  }

  /**
   * predict passes NaN and Inf through to TensorFlow as Keras does: rows without them are
   * unchanged, and an Inf that reaches the softmax makes its row NaN.
   */
  @Test
  void predictPassesNonFiniteValuesThrough() {
    try (KerasModel m = KerasBridge.loadKeras(MLP.resolve("model.keras"), Device.CPU)) {
      NpyArray clean = x();
      NpyArray dirty = with(with(clean, 2 * 784 + 5, Float.NaN), 5 * 784, Float.POSITIVE_INFINITY);
      float[] a = m.predict(List.of(clean)).get(0).toFloatArray();
      float[] b = m.predict(List.of(dirty)).get(0).toFloatArray();
      int cols = a.length / 8;
      for (int r = 0; r < 8; r++) {
        for (int c = 0; c < cols; c++) {
          float got = b[r * cols + c];
          if (r == 5) {
            assertTrue(Float.isNaN(got), "the Inf row is NaN: " + got);
          } else if (r == 2) {
            // relu(NaN) is 0 in TF's kernel, so Keras gives finite numbers here too (what
            // the NaN reaches is TF's business, not ours: no check, no substitution)
            continue;
          } else {
            assertEquals(a[r * cols + c], got, "row " + r + " unchanged");
          }
        }
      }
    }
  }

  @Test
  void fitRefusesBadArraysBeforeTraining() {
    try (KerasModel m = KerasBridge.loadKeras(MLP.resolve("model.keras"), Device.CPU)) {
      m.compileFromFile();
      NpyArray x = x();
      NpyArray y = floats(new long[] {8, 10}, 0.1f);
      String in = "input 0 '" + m.inputs().get(0).name() + "'";
      String target = "target 0 '" + m.outputs().get(0).name() + "'";
      FitOptions o = FitOptions.defaults().setEpochs(1).setBatchSize(4).optVerbose(false);
      says(assertThrows(InvalidInputException.class,
          () -> m.fit(List.of(x), List.of(y.sliceRows(0, 7)), o)), target, "has 7 samples",
          "the inputs have 8");
      says(assertThrows(InvalidInputException.class, () -> m.fit(List.of(x), List.of(y, y), o)),
          "takes 1 target(s)", "got 2");
      says(assertThrows(InvalidInputException.class,
          () -> m.fit(List.of(with(x, 2 * 784 + 5, Float.NaN)), List.of(y), o)), in,
          "holds NaN at index [2, 5]", "fit refuses NaN");
      says(assertThrows(InvalidInputException.class,
          () -> m.fit(List.of(x), List.of(with(y, 13, Float.NEGATIVE_INFINITY)), o)), target,
          "holds -Infinity at index [1, 3]");
      says(assertThrows(InvalidInputException.class,
          () -> m.fit(List.of(floats(new long[] {0, 784}, 0)), List.of(y), o)), in, "is empty");
      says(assertThrows(InvalidInputException.class,
          () -> m.fit(List.of(floats(new long[] {8, 10}, 0)), List.of(y), o)), in,
          "expected float32 (None, 784)");
      FitOptions nanWeights = FitOptions.defaults().setEpochs(1).setBatchSize(4)
          .optVerbose(false).optSampleWeight(with(floats(new long[] {8}, 1), 3, Float.NaN));
      says(assertThrows(InvalidInputException.class,
          () -> m.fit(List.of(x), List.of(y), nanWeights)), "sample weights", "NaN");
      assertEquals(0, m.optimizer().iterations(), "no step was taken");
    }
  }

  /** A NaN loss stops fit at that batch, as TerminateOnNaN, and no checkpoint is written. */
  @Test
  void nanLossStopsTrainingAndWritesNothing() {
    try (KerasModel m = KerasBridge.loadKeras(MLP.resolve("model.keras"), Device.CPU)) {
      m.compileFromFile();
      Map<String, NpyArray> w = m.weightValues();
      String first = w.keySet().iterator().next();
      Map<String, NpyArray> broken = new LinkedHashMap<>();
      broken.put(first, with(w.get(first), 0, Float.NaN));
      m.setWeightValues(broken);
      Path ckpt = tmp.resolve("ckpt-{epoch}.keras");
      FitOptions o = FitOptions.defaults().setEpochs(3).setBatchSize(4).optShuffle(false)
          .optVerbose(false).addCallback(new ModelCheckpoint(ckpt.toString(), "loss", false));
      NonFiniteLossException e = assertThrows(NonFiniteLossException.class,
          () -> m.fit(List.of(x()), List.of(floats(new long[] {8, 10}, 0.1f)), o));
      says(e, "epoch 1, batch 0", "TerminateOnNaN", "not fit to be saved");
      assertEquals(0, e.epoch());
      assertEquals(0, e.batch());
      assertTrue(Double.isNaN(e.loss()));
      assertTrue(e.history().epochs().isEmpty());
      assertFalse(Files.exists(tmp.resolve("ckpt-01.keras")), "no checkpoint written");
    }
  }

  static MainAccess.Run cli(String... args) {
    return MainAccess.run(args);
  }

  /** fit --out with a diverging learning rate: exit 2, one line, the old OUT untouched. */
  @Test
  void cliFitWithNanLossKeepsTheOldOutput() throws Exception {
    Path dir = Fixtures.models().resolve("linear_regressor");
    Path out = tmp.resolve("trained.keras");
    byte[] old = "the previous trained model".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    Files.write(out, old);
    Path y = tmp.resolve("y.npy");
    NpyArray x = Npy.read(dir.resolve("input_0.npy"));
    Npy.write(y, with(x, 0, 3f));
    MainAccess.Run r = cli("fit", dir.resolve("model.keras").toString(), "--x",
        dir.resolve("input_0.npy").toString(), "--y", y.toString(), "--epochs", "5",
        "--batch-size", "2", "--no-shuffle", "--learning-rate", "1e30", "--quiet", "--out",
        out.toString(), "--overwrite");
    assertEquals(2, r.code(), r.err() + r.out());
    assertTrue(r.err().contains("Invalid loss") || r.err().contains("TerminateOnNaN"), r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertArrayEquals(old, Files.readAllBytes(out), "OUT untouched");
    try (var files = Files.list(tmp)) {
      assertEquals(List.of("trained.keras", "y.npy"), files.map(p -> p.getFileName().toString())
          .sorted().toList(), "no temporary files");
    }
  }

  @Test
  void cliParityAndPredictNameTheBadArray() throws Exception {
    Path wrong = tmp.resolve("wrong.npy");
    Npy.write(wrong, floats(new long[] {8, 9}, 0));
    MainAccess.Run r = cli("parity", MLP.resolve("model.keras").toString(), "--input",
        MLP.resolve("input_0.npy").toString(), "--expected", wrong.toString());
    assertEquals(2, r.code(), r.err() + r.out());
    assertTrue(r.err().contains("--expected 0 (" + wrong + ") has shape [8, 9]"), r.err());
    Path empty = tmp.resolve("empty.npy");
    Npy.write(empty, floats(new long[] {0, 784}, 0));
    r = cli("predict", MLP.resolve("model.keras").toString(), "--input", empty.toString(),
        "--output", tmp.resolve("y.npy").toString());
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("input 0 '") && r.err().contains("is empty"), r.err());
    // an unsupported dtype (complex64) is refused by the .npy reader, naming the file
    Path half = tmp.resolve("half.npy");
    byte[] good = Npy.toBytes(floats(new long[] {1, 784}, 0));
    String h = new String(good, 0, 128, java.nio.charset.StandardCharsets.ISO_8859_1)
        .replace("<f4", "<c8");
    ByteBuffer b = ByteBuffer.allocate(128 + 784 * 8).order(ByteOrder.LITTLE_ENDIAN);
    b.put(h.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
    Files.write(half, b.array());
    r = cli("predict", MLP.resolve("model.keras").toString(), "--input", half.toString(),
        "--output", tmp.resolve("y.npy").toString());
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains(half.toString()) && r.err().contains("'<c8' is not supported"),
        r.err());
  }

  /**
   * A model with a fixed batch size (a stateful LSTM, batch_shape (2, 4, 3)) takes any whole
   * multiple of it, split into batches with the state carried, as Keras's predict does: 4 rows
   * give Keras's two consecutive predict calls. Other row counts are refused by name.
   */
  @Test
  void fixedBatchModelsTakeWholeMultiplesOfTheBatch() {
    Path dir = Fixtures.models().resolve("layers/lstm_stateful");
    NpyArray x = NpyArray.concatRows(List.of(Npy.read(dir.resolve("input_0.npy")),
        Npy.read(dir.resolve("input2_0.npy"))));
    float[] want = NpyArray.concatRows(List.of(Npy.read(dir.resolve("output_0.npy")),
        Npy.read(dir.resolve("output2_0.npy")))).toFloatArray();
    try (KerasModel m = KerasBridge.loadKeras(dir.resolve("model.keras"), Device.CPU)) {
      float[] got = m.predict(List.of(x)).get(0).toFloatArray();
      assertEquals(want.length, got.length);
      for (int i = 0; i < want.length; i++) {
        assertEquals(want[i], got[i], 1e-5, "element " + i);
      }
      says(assertThrows(InvalidInputException.class,
          () -> m.predict(List.of(x.sliceRows(0, 3)))),
          "batch size is fixed at 2", "multiple of 2 samples; got 3");
      m.compile(org.kerasbridge.optimizers.Optimizers.create("sgd", 0.01),
          org.kerasbridge.losses.Losses.byName("mse", null));
      m.resetStates();
      NpyArray y = m.predict(List.of(x)).get(0);
      m.resetStates();
      History h = m.fit(List.of(x), List.of(y), new FitOptions().setEpochs(1).optShuffle(false));
      assertEquals(1, h.get("loss").size());
      assertTrue(Double.isFinite(h.get("loss").get(0)));
      says(assertThrows(InvalidInputException.class, () -> m.fit(List.of(x.sliceRows(0, 3)),
          List.of(y.sliceRows(0, 3)), new FitOptions().setEpochs(1))),
          "multiple of 2 samples; got 3");
    }
  }
}
