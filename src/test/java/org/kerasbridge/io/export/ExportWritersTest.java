package org.kerasbridge.io.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.kerasbridge.InvalidInputException;
import org.kerasbridge.KerasBridge;
import org.kerasbridge.graph.Device;
import org.kerasbridge.io.KerasJson;
import org.kerasbridge.io.ModelFiles;
import org.kerasbridge.io.ModelSpec;
import org.kerasbridge.io.ModelWriters;
import org.kerasbridge.io.h5.Hdf5;
import org.kerasbridge.io.h5.LegacyH5Writer;
import org.kerasbridge.io.keras.KerasExport;
import org.kerasbridge.io.keras.KerasV3Writer;
import org.kerasbridge.io.savedmodel.SavedModel;
import org.kerasbridge.model.InferenceModel;
import org.kerasbridge.model.KerasModel;
import org.kerasbridge.ndarray.Npy;
import org.kerasbridge.ndarray.NpyArray;
import org.kerasbridge.parity.Comparison;

/**
 * The writers without Python: what Java writes, Java reads back and runs with the fixture's
 * outputs; the {@code .keras} weights file has exactly the groups, {@code vars} names, datasets and
 * shapes Keras 3.15 wrote for the same model; writes are atomic and refuse to overwrite unless
 * asked; the documented SavedModel semantics for stateful models hold.
 */
class ExportWritersTest {
  @TempDir
  Path tmp;

  private static Path fixture(String name) {
    return PythonEnv.repo().resolve("models").resolve(name);
  }

  @ParameterizedTest
  @ValueSource(strings = {"mlp_classifier", "layers/nested_model", "layers/bidirectional_concat",
      "layers/functional_multi_io", "layers/time_distributed_dense", "layers/batchnorm",
      "layers/gru_hard_sigmoid_keras2", "layers/activation_hard_sigmoid_keras2",
      "layers/embedding", "layers/lstm_return_state"})
  void whatJavaWritesJavaReadsBackWithTheSameOutputs(String name) throws Exception {
    Path dir = fixture(name);
    JsonNode fx = KerasJson.MAPPER.readTree(dir.resolve("fixture.json").toFile());
    List<NpyArray> xs = new ArrayList<>();
    fx.path("inputs").forEach(n -> xs.add(Npy.read(dir.resolve(n.path("file").asText()))));
    List<NpyArray> ys = new ArrayList<>();
    fx.path("outputs").forEach(n -> ys.add(Npy.read(dir.resolve(n.path("file").asText()))));
    String source = fx.path("formats").get(0).asText();
    try (KerasModel m = KerasBridge.loadKeras(dir.resolve(source), Device.CPU)) {
      for (ModelWriters.Format f : ModelWriters.Format.values()) {
        Path out = tmp.resolve(name.replace('/', '_') + "." + f.name().toLowerCase());
        ModelWriters.write(m, out, f, false);
        try (InferenceModel back = KerasBridge.load(out, Device.CPU)) {
          List<NpyArray> in = new ArrayList<>();
          for (int i = 0; i < xs.size(); i++) {
            in.add(xs.get(i).castTo(back.inputs().get(i).dtype()));
          }
          List<NpyArray> got = back.predict(in, 32);
          List<String> names = back.outputs().stream().map(t -> t.name()).toList();
          List<String> expectedNames = org.kerasbridge.io.savedmodel.SavedModelWriter
              .outputNames(m.root().outputNames());
          for (int k = 0; k < ys.size(); k++) {
            int at = f == ModelWriters.Format.SAVED_MODEL ? names.indexOf(expectedNames.get(k)) : k;
            Comparison c = Comparison.of(name + " " + f + " output " + k, got.get(at), ys.get(k),
                1e-5, 0);
            assertTrue(c.passed(), c.report());
          }
        }
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"mlp_classifier", "ae_2d", "layers/nested_model",
      "layers/bidirectional_concat", "layers/time_distributed_dense", "layers/lstm_stateful",
      "layers/functional_shared_layer", "layers/simple_rnn"})
  void kerasWeightsFileIsLaidOutAsKerasWritesIt(String name) throws Exception {
    Path original = fixture(name).resolve("model.keras");
    Path fromH5 = tmp.resolve("from_h5.keras");
    try (KerasModel m = KerasBridge.loadKeras(fixture(name).resolve("model.h5"), Device.CPU)) {
      ModelWriters.write(m, fromH5, ModelWriters.Format.KERAS, false);
    }
    assertEquals(layout(original), layout(fromH5), name + ": model.weights.h5 layout");
    Path out = tmp.resolve("out.keras");
    try (KerasModel m = KerasBridge.loadKeras(original, Device.CPU)) {
      ModelWriters.write(m, out, ModelWriters.Format.KERAS, false);
    }
    assertEquals(layout(original), layout(out), name + ": model.weights.h5 layout");
    try (ZipFile a = new ZipFile(original.toFile()); ZipFile b = new ZipFile(out.toFile())) {
      List<String> names = new ArrayList<>();
      b.stream().forEach(e -> {
        names.add(e.getName());
        assertEquals(ZipEntry.STORED, e.getMethod(), "entries are stored, as Keras writes them");
      });
      assertEquals(List.of("metadata.json", "config.json", "model.weights.h5"), names);
      JsonNode meta = KerasJson.MAPPER.readTree(b.getInputStream(b.getEntry("metadata.json")));
      assertEquals("3.15.1", meta.path("keras_version").asText());
      assertTrue(meta.path("date_saved").asText().matches("\\d{4}-\\d\\d-\\d\\d@\\d\\d:\\d\\d:\\d\\d"));
      JsonNode ours = KerasJson.MAPPER.readTree(b.getInputStream(b.getEntry("config.json")));
      JsonNode theirs = KerasJson.MAPPER.readTree(a.getInputStream(a.getEntry("config.json")));
      for (String k : List.of("module", "class_name", "registered_name")) {
        assertEquals(theirs.get(k), ours.get(k), name + ": config.json " + k);
      }
      assertEquals(stripSharedIds(theirs.path("config")), stripSharedIds(ours.path("config")),
          name + ": config.json config (up to shared_object_id)");
      assertEquals(theirs.path("compile_config").isEmpty(), ours.path("compile_config").isEmpty());
    }
  }

  /** Every group and dataset of model.weights.h5: path, vars name attribute, dataset shape. */
  private static Map<String, String> layout(Path keras) throws IOException {
    byte[] bytes;
    try (ZipFile z = new ZipFile(keras.toFile());
        InputStream in = z.getInputStream(z.getEntry("model.weights.h5"))) {
      bytes = in.readAllBytes();
    }
    Map<String, String> out = new TreeMap<>();
    try (HdfFile h5 = Hdf5.open(bytes, keras.toString(), "weights")) {
      walk(h5, out);
    }
    return out;
  }

  private static void walk(Group g, Map<String, String> out) {
    for (Node n : g.getChildren().values()) {
      if (n instanceof Group c) {
        String name = Hdf5.stringAttribute(c, "name");
        out.put(c.getPath(), "group" + (name == null ? "" : " name=" + name));
        walk(c, out);
      } else if (n instanceof Dataset d) {
        out.put(d.getPath(), "dataset " + Hdf5.numpyTypeName(d) + " "
            + java.util.Arrays.toString(d.getDimensions()));
      }
    }
  }

  private static JsonNode stripSharedIds(JsonNode n) {
    JsonNode c = n.deepCopy();
    strip(c);
    return c;
  }

  private static void strip(JsonNode n) {
    if (n.isObject()) {
      ((com.fasterxml.jackson.databind.node.ObjectNode) n).remove("shared_object_id");
      n.forEach(ExportWritersTest::strip);
    } else if (n.isArray()) {
      n.forEach(ExportWritersTest::strip);
    }
  }

  // ---------------------------------------------------------------- atomic, safe writes

  @Test
  void aWriteThatFailsMidwayLeavesTheExistingFileIntact() throws Exception {
    KerasExport good;
    try (KerasModel m = KerasBridge.loadKeras(fixture("mlp_classifier").resolve("model.keras"),
        Device.CPU)) {
      good = ModelWriters.prepare(m);
    }
    // the same model with one layer's weights missing: the writer fails part-way through
    // model.weights.h5, after the temporary file was created
    Map<String, List<ModelSpec.NamedArray>> broken = new LinkedHashMap<>(good.weights());
    broken.remove("dense_1");
    KerasExport failing = new KerasExport(good.model(), good.normalized(), broken, good.info(),
        good.compileConfig(), good.optimizerVariables(), good.optimizerName(),
        good.legacyModel(), good.where(), good.notes());
    for (String ext : List.of(".keras", ".h5")) {
      Path target = tmp.resolve("model" + ext);
      if (ext.equals(".keras")) {
        KerasV3Writer.write(good, target, false);
      } else {
        LegacyH5Writer.write(good, target, false);
      }
      byte[] before = Files.readAllBytes(target);
      assertThrows(RuntimeException.class, () -> {
        if (ext.equals(".keras")) {
          KerasV3Writer.write(failing, target, true);
        } else {
          LegacyH5Writer.write(failing, target, true);
        }
      });
      assertArrayEquals(before, Files.readAllBytes(target), ext + " changed by a failed write");
      assertEquals(List.of(target.getFileName().toString()), siblings(target),
          "no temporary file left beside " + target);
      ModelFiles.read(target); // still a readable model
    }
  }

  @Test
  void anInterruptedWriteLeavesTheExistingFileIntact() throws Exception {
    try (KerasModel m = KerasBridge.loadKeras(fixture("mnist_cnn").resolve("model.keras"),
        Device.CPU)) {
      for (ModelWriters.Format f : List.of(ModelWriters.Format.KERAS, ModelWriters.Format.H5)) {
        Path target = tmp.resolve("cnn." + f.name().toLowerCase());
        ModelWriters.write(m, target, f, false);
        byte[] before = Files.readAllBytes(target);
        ModelWriters.prepare(m); // build everything the write needs before the interrupt
        // the writing thread is interrupted: its first write to the temporary file fails with
        // ClosedByInterruptException, part-way through the write
        Thread.currentThread().interrupt();
        try {
          RuntimeException e = assertThrows(RuntimeException.class,
              () -> ModelWriters.write(m, target, f, true));
          assertTrue(e.getCause() instanceof java.nio.channels.ClosedByInterruptException
              || String.valueOf(e.getMessage()).contains("nterrupt"), String.valueOf(e));
        } finally {
          Thread.interrupted();
        }
        assertArrayEquals(before, Files.readAllBytes(target), f + ": changed by the write");
        assertEquals(List.of(target.getFileName().toString()), siblings(target));
        assertEquals(f == ModelWriters.Format.KERAS ? ModelSpec.Format.KERAS_V3
            : ModelSpec.Format.H5_KERAS3, ModelFiles.read(target).format());
      }
    }
  }

  @Test
  void aSavedModelExportThatFailsLeavesTheExistingDirectoryIntact() throws Exception {
    Path target = tmp.resolve("served");
    try (KerasModel m = KerasBridge.loadKeras(fixture("mlp_classifier").resolve("model.keras"),
        Device.CPU)) {
      ModelWriters.write(m, target, ModelWriters.Format.SAVED_MODEL, false);
    }
    Map<String, Long> before = tree(target);
    // a directory write interrupted after part of the content is down (the SavedModel writer
    // exports into the temporary sibling AtomicFiles hands it)
    org.kerasbridge.io.AtomicFiles.Writer partial = dir -> {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve("saved_model.pb"), "partial");
      throw new IOException("injected: export interrupted");
    };
    assertThrows(java.io.UncheckedIOException.class,
        () -> org.kerasbridge.io.AtomicFiles.writeDirectory(target, true, partial));
    assertEquals(before, tree(target));
    assertEquals(List.of("served"), siblings(target));
    try (SavedModel sm = SavedModel.load(target)) {
      assertEquals(1, sm.outputs().size());
    }
  }

  @Test
  void refusesToOverwriteUnlessAsked() throws Exception {
    Path target = tmp.resolve("m.keras");
    Files.writeString(target, "not mine");
    try (KerasModel m = KerasBridge.loadKeras(fixture("mlp_classifier").resolve("model.h5"),
        Device.CPU)) {
      for (ModelWriters.Format f : ModelWriters.Format.values()) {
        InvalidInputException e = assertThrows(InvalidInputException.class,
            () -> ModelWriters.write(m, target, f, false));
        assertTrue(e.getMessage().contains("refusing to overwrite"), e.getMessage());
      }
      assertEquals("not mine", Files.readString(target));
      ModelWriters.write(m, target, ModelWriters.Format.KERAS, true);
      assertEquals(ModelSpec.Format.KERAS_V3, ModelFiles.read(target).format());
    }
  }

  // ---------------------------------------------------------------- SavedModel semantics

  @Test
  void statefulSavedModelCarriesStateAcrossCallsAndStartsFromZeros() throws Exception {
    Path dir = fixture("layers/lstm_stateful");
    Path out = tmp.resolve("stateful");
    try (KerasModel m = KerasBridge.loadKeras(dir.resolve("model.keras"), Device.CPU)) {
      m.predict(List.of(Npy.read(dir.resolve("input_0.npy"))), 2); // state in the source model
      ModelWriters.write(m, out, ModelWriters.Format.SAVED_MODEL, false);
    }
    for (int load = 0; load < 2; load++) {
      try (SavedModel sm = SavedModel.load(out)) {
        assertEquals(List.of("input_layer"), sm.inputs().stream().map(t -> t.name()).toList());
        assertEquals(List.of("lstm"), sm.outputs().stream().map(t -> t.name()).toList());
        NpyArray y1 = sm.predict(List.of(Npy.read(dir.resolve("input_0.npy"))), 2).get(0);
        NpyArray y2 = sm.predict(List.of(Npy.read(dir.resolve("input2_0.npy"))), 2).get(0);
        Comparison c1 = Comparison.of("first call", y1, Npy.read(dir.resolve("output_0.npy")),
            1e-5, 0);
        Comparison c2 = Comparison.of("second call", y2, Npy.read(dir.resolve("output2_0.npy")),
            1e-5, 0);
        assertTrue(c1.passed(), c1.report());
        assertTrue(c2.passed(), c2.report());
      }
    }
  }

  @Test
  void signatureNamesFollowTheModelsInputsAndOutputs() throws Exception {
    Path dir = fixture("layers/lstm_return_state");
    Path out = tmp.resolve("sm");
    try (KerasModel m = KerasBridge.loadKeras(dir.resolve("model.keras"), Device.CPU)) {
      ModelWriters.write(m, out, ModelWriters.Format.SAVED_MODEL, false);
    }
    try (SavedModel sm = SavedModel.load(out)) {
      SavedModel.SignatureInfo s = sm.signature();
      assertEquals("serving_default", s.key());
      assertEquals("tensorflow/serving/predict", s.methodName());
      assertEquals(List.of("input_layer"), s.inputs().stream().map(t -> t.name()).toList());
      assertEquals(List.of("lstm", "lstm_1", "lstm_2"),
          s.outputs().stream().map(t -> t.name()).toList());
      assertEquals(-1, s.inputs().get(0).shape()[0], "free batch dimension");
    }
  }

  private static List<String> siblings(Path p) throws IOException {
    try (Stream<Path> s = Files.list(p.getParent())) {
      return s.map(q -> q.getFileName().toString())
          .filter(n -> n.contains(p.getFileName().toString())).sorted().toList();
    }
  }

  private static Map<String, Long> tree(Path dir) throws IOException {
    Map<String, Long> out = new TreeMap<>();
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.toList()) {
        out.put(dir.relativize(p).toString(), Files.isRegularFile(p) ? Files.size(p) : -1L);
      }
    }
    return out;
  }
}
