package org.kerasbridge.corpus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.kerasbridge.KerasBridge;
import org.kerasbridge.graph.Device;
import org.kerasbridge.model.KerasModel;
import org.kerasbridge.ndarray.Npy;
import org.kerasbridge.ndarray.NpyArray;
import org.kerasbridge.parity.Comparison;

/**
 * The KerasBridge column of the README corpus table: loads every file of models/corpus, runs it on
 * the corpus inputs and compares with the Keras reference (1e-5 abs or rel), writing one JSON object to
 * stdout ({@code bash bench/corpus_report.sh}). CorpusParityTest is what holds the expectations;
 * this only reports. Not a test.
 */
public final class KerasBridgeCorpusReport {
  private static final ObjectMapper JSON = new ObjectMapper();

  private KerasBridgeCorpusReport() {}

  public static void main(String[] args) throws Exception {
    Path corpus = Path.of(args.length > 0 ? args[0] : "models/corpus");
    JsonNode manifest = JSON.readTree(corpus.resolve("MANIFEST.json").toFile());
    ObjectNode out = JSON.createObjectNode();
    out.put("tool", "KerasBridge");
    ArrayNode files = out.putArray("files");
    for (JsonNode e : manifest.path("files")) {
      Path file = corpus.resolve(e.path("file").asText());
      Path d = file.getParent();
      ObjectNode r = files.addObject();
      r.put("id", e.path("id").asText());
      try (KerasModel m = KerasBridge.loadKeras(file, Device.CPU)) {
        r.put("loaded", true);
        List<NpyArray> in = new ArrayList<>();
        for (int i = 0; Files.exists(d.resolve("input_" + i + ".npy")); i++) {
          in.add(Npy.read(d.resolve("input_" + i + ".npy")));
        }
        if (!in.isEmpty()) {
          List<NpyArray> got = m.predict(in, 4);
          double worst = 0;
          boolean ok = true;
          for (int k = 0; Files.exists(d.resolve("output_" + k + ".npy")); k++) {
            // As CorpusParityTest holds the public corpus: 1e-5 absolute or relative.
            Comparison c = Comparison.ofEither("output " + k, got.get(k),
                Npy.read(d.resolve("output_" + k + ".npy")), 1e-5, 1e-5);
            ok &= c.passed();
            worst = Math.max(worst, c.shapeMatches() ? c.maxAbs() : Double.POSITIVE_INFINITY);
          }
          r.put("predicted", true);
          r.put("max_abs_diff", worst);
          r.put("matched", ok);
        }
      } catch (Exception x) {
        r.put("loaded", r.path("loaded").asBoolean(false));
        String s = (x.getClass().getSimpleName() + ": " + x.getMessage()).replaceAll("\\s+", " ");
        r.put("error", s.length() > 300 ? s.substring(0, 300) : s);
      }
      System.err.println(r);
    }
    System.out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(out));
  }
}
