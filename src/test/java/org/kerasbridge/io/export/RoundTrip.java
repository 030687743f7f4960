package org.kerasbridge.io.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.kerasbridge.KerasBridge;
import org.kerasbridge.graph.Device;
import org.kerasbridge.io.KerasJson;
import org.kerasbridge.io.ModelWriters;
import org.kerasbridge.io.savedmodel.SavedModel;
import org.kerasbridge.io.savedmodel.SavedModelWriter;
import org.kerasbridge.model.KerasModel;
import org.kerasbridge.model.TensorSpec;
import org.kerasbridge.ndarray.Npy;
import org.kerasbridge.ndarray.NpyArray;
import org.kerasbridge.parity.Comparison;

/**
 * The Java half of the Python round trip: reads each model file, writes it in every format
 * KerasBridge writes into one directory, reloads each SavedModel with TF Java, and lists what
 * Python must check in a manifest for {@code python-reference/roundtrip.py}.
 */
final class RoundTrip {
  /**
   * One Java export of one source file.
   *
   * @param javaError why Java could not read the source or write the export, or null
   * @param checkedAs the id of the Python check of this export
   * @param javaReload for a SavedModel: why TF Java ({@link SavedModel}) could not load it or
   *     serve the expected outputs, or null
   * @param refused the documented refusal Java gave instead of writing, when the source accepts
   *     one (a SavedModel of a variable-length RNN model), or null
   */
  record Export(String id, String source, String format, Path path, String javaError,
      String checkedAs, String javaReload, String refused) {
    Export(String id, String source, String format, Path path, String javaError,
        String checkedAs, String javaReload) {
      this(id, source, format, path, javaError, checkedAs, javaReload, null);
    }
  }

  final List<Export> exports = new ArrayList<>();
  final ArrayNode cases = KerasJson.nodes().arrayNode();
  final Map<String, Long> millis = new LinkedHashMap<>();
  private final Path dir;

  RoundTrip(Path dir) {
    this.dir = dir;
  }

  /**
   * Reads {@code modelFile}, writes it in each of {@code formats}, and adds a Python check of
   * each against the expected outputs.
   *
   * @param label the test label prefix, e.g. {@code layers/dense model.h5}
   */
  void add(String label, Path modelFile, List<Path> inputs, List<Path> expected, double atol,
      double rtol, List<ModelWriters.Format> formats) {
    add(label, modelFile, inputs, expected, atol, rtol, formats, Map.of());
  }

  /**
   * As above; {@code acceptedRefusals} maps a format to a text its writer's refusal may contain:
   * that refusal is then the expected outcome, recorded in {@link Export#refused()} rather than
   * as an error.
   */
  void add(String label, Path modelFile, List<Path> inputs, List<Path> expected, double atol,
      double rtol, List<ModelWriters.Format> formats,
      Map<ModelWriters.Format, String> acceptedRefusals) {
    String stem = label.replaceAll("[^A-Za-z0-9_.-]", "_");
    long t0 = System.nanoTime();
    KerasModel model;
    try {
      model = KerasBridge.loadKeras(modelFile, Device.CPU);
    } catch (RuntimeException e) {
      for (ModelWriters.Format f : formats) {
        exports.add(new Export(label + " -> " + name(f), label, name(f), null,
            "Java could not read " + modelFile + ": " + e, null, null));
      }
      return;
    }
    try (model) {
      List<String> inputNames = model.inputs().stream().map(TensorSpec::name).toList();
      List<String> outputNames = SavedModelWriter.outputNames(model.root().outputNames());
      for (ModelWriters.Format f : formats) {
        String id = label + " -> " + name(f);
        Path out = dir.resolve(stem + (f == ModelWriters.Format.KERAS ? ".keras"
            : f == ModelWriters.Format.H5 ? ".h5" : ".savedmodel"));
        long w0 = System.nanoTime();
        try {
          ModelWriters.write(model, out, f, false);
        } catch (RuntimeException e) {
          String accepted = acceptedRefusals.get(f);
          if (accepted != null && String.valueOf(e.getMessage()).contains(accepted)) {
            exports.add(new Export(id, label, name(f), out, null, null, null, e.getMessage()));
            continue;
          }
          exports.add(new Export(id, label, name(f), out, "Java could not write " + name(f)
              + ": " + e, null, null));
          continue;
        } finally {
          millis.merge("write " + name(f), (System.nanoTime() - w0) / 1_000_000, Long::sum);
        }
        String reload = null;
        if (f == ModelWriters.Format.SAVED_MODEL) {
          long r0 = System.nanoTime();
          reload = javaReload(out, inputs, expected, outputNames, atol, rtol);
          millis.merge("reload savedmodel in TF Java", (System.nanoTime() - r0) / 1_000_000,
              Long::sum);
        }
        exports.add(new Export(id, label, name(f), out, null, id, reload));
        ObjectNode c = cases.addObject();
        c.put("id", id);
        c.put("format", name(f));
        c.put("path", out.toString());
        ArrayNode in = c.putArray("inputs");
        inputs.forEach(p -> in.add(p.toString()));
        ArrayNode ex = c.putArray("expected");
        expected.forEach(p -> ex.add(p.toString()));
        ArrayNode inn = c.putArray("input_names");
        inputNames.forEach(inn::add);
        ArrayNode on = c.putArray("output_names");
        outputNames.forEach(on::add);
        c.put("atol", atol);
        c.put("rtol", rtol);
      }
    } finally {
      millis.merge("read+write total", (System.nanoTime() - t0) / 1_000_000, Long::sum);
    }
  }

  /**
   * Loads a written SavedModel with TF Java and runs it on the probe inputs, outputs matched by
   * signature name; null when it serves the expected outputs, else what went wrong.
   */
  static String javaReload(Path dir, List<Path> inputs, List<Path> expected,
      List<String> outputNames, double atol, double rtol) {
    try (SavedModel sm = SavedModel.load(dir)) {
      List<NpyArray> xs = new ArrayList<>();
      for (int i = 0; i < inputs.size(); i++) {
        xs.add(Npy.read(inputs.get(i)).castTo(sm.inputs().get(i).dtype()));
      }
      List<NpyArray> ys = sm.predict(xs, Integer.MAX_VALUE);
      List<String> problems = new ArrayList<>();
      for (int k = 0; k < expected.size(); k++) {
        int at = -1;
        for (int j = 0; j < sm.outputs().size(); j++) {
          if (sm.outputs().get(j).name().equals(outputNames.get(k))) {
            at = j;
          }
        }
        if (at < 0) {
          problems.add("no output '" + outputNames.get(k) + "' in " + sm.outputs());
          continue;
        }
        Comparison c = Comparison.of(outputNames.get(k), ys.get(at), Npy.read(expected.get(k)),
            atol, rtol);
        if (!c.passed()) {
          problems.add(c.report());
        }
      }
      return problems.isEmpty() ? null : String.join("; ", problems);
    } catch (RuntimeException e) {
      return "TF Java could not load or run it: " + e;
    }
  }

  /** Writes the manifest for roundtrip.py. */
  Path manifest() {
    ObjectNode m = KerasJson.nodes().objectNode();
    m.set("cases", cases);
    Path p = dir.resolve("manifest.json");
    try {
      Files.writeString(p, KerasJson.write(m));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return p;
  }

  /** Python's results by case id. */
  static Map<String, JsonNode> results(JsonNode report) {
    Map<String, JsonNode> out = new HashMap<>();
    for (JsonNode r : report.path("results")) {
      out.put(r.path("id").asText(), r);
    }
    return out;
  }

  static String name(ModelWriters.Format f) {
    return switch (f) {
      case KERAS -> "keras";
      case H5 -> "h5";
      case SAVED_MODEL -> "savedmodel";
    };
  }
}
