package org.kerasbridge.corpus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.modelimport.keras.KerasModelImport;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The DL4J 1.0.0-M2.1 column of the README corpus table: imports every file of models/corpus with
 * DL4J's Keras importer and, where it imports, runs it on the corpus inputs and compares with the
 * Keras reference (1e-5 abs). Writes one JSON object to stdout. Runs in its own JVM (DL4J's
 * natives clash with TF Java's): {@code bash bench/corpus_report.sh}. Not a test.
 */
public final class Dl4jCorpusImport {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int TIMEOUT_S = 20;

  private Dl4jCorpusImport() {}

  public static void main(String[] args) throws Exception {
    Path corpus = Path.of(args.length > 0 ? args[0] : "models/corpus");
    JsonNode manifest = JSON.readTree(corpus.resolve("MANIFEST.json").toFile());
    ObjectNode out = JSON.createObjectNode();
    out.put("tool", "DL4J deeplearning4j-modelimport 1.0.0-M2.1");
    ArrayNode files = out.putArray("files");
    ExecutorService pool = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "dl4j-import");
      t.setDaemon(true);
      return t;
    });
    for (JsonNode e : manifest.path("files")) {
      String id = e.path("id").asText();
      Path file = corpus.resolve(e.path("file").asText());
      ObjectNode r = files.addObject();
      r.put("id", id);
      Future<?> f = pool.submit(() -> {
        run(file, r);
        return null;
      });
      try {
        f.get(TIMEOUT_S, TimeUnit.SECONDS);
      } catch (TimeoutException x) {
        f.cancel(true);
        // The import may have finished (then "imported" is already true) and predict hung.
        if (!r.path("imported").asBoolean(false)) {
          r.put("imported", false);
        }
        r.put("error", "timeout after " + TIMEOUT_S + " s (import + predict)");
        pool = Executors.newSingleThreadExecutor(t -> {
          Thread th = new Thread(t, "dl4j-import");
          th.setDaemon(true);
          return th;
        });
      } catch (Exception x) {
        r.put("imported", false);
        r.put("error", oneLine(x.getCause() != null ? x.getCause() : x));
      }
      System.err.println(id + ": " + r);
    }
    System.out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(out));
    System.exit(0);
  }

  private static void run(Path file, ObjectNode r) throws Exception {
    Path d = file.getParent();
    Object model;
    String how;
    try {
      model = KerasModelImport.importKerasModelAndWeights(file.toString(), false);
      how = "functional";
    } catch (Throwable functional) {
      try {
        model = KerasModelImport.importKerasSequentialModelAndWeights(file.toString(), false);
        how = "sequential";
      } catch (Throwable sequential) {
        r.put("imported", false);
        // A file is either Sequential or not: report the importer that applied to its class.
        boolean isSequential = functional.getMessage() != null
            && functional.getMessage().contains("(found Sequential)");
        r.put("error", oneLine(isSequential ? sequential : functional));
        return;
      }
    }
    r.put("imported", true);
    r.put("as", how);
    List<INDArray> in = new ArrayList<>();
    for (int i = 0; Files.exists(d.resolve("input_" + i + ".npy")); i++) {
      in.add(Nd4j.createFromNpyFile(new File(d.resolve("input_" + i + ".npy").toString()))
          .castTo(DataType.FLOAT));
    }
    if (in.isEmpty()) {
      return;
    }
    INDArray[] got;
    try {
      if (model instanceof MultiLayerNetwork m) {
        got = new INDArray[] {m.output(in.get(0))};
      } else {
        got = ((ComputationGraph) model).output(in.toArray(new INDArray[0]));
      }
    } catch (Throwable x) {
      r.put("predicted", false);
      r.put("error", "predict: " + oneLine(x));
      return;
    }
    r.put("predicted", true);
    double worst = 0;
    boolean shapes = true;
    for (int k = 0; k < got.length; k++) {
      Path ref = d.resolve("output_" + k + ".npy");
      if (!Files.exists(ref)) {
        shapes = false;
        break;
      }
      INDArray want = Nd4j.createFromNpyFile(new File(ref.toString())).castTo(DataType.FLOAT);
      INDArray g = got[k].castTo(DataType.FLOAT);
      if (g.length() != want.length()) {
        shapes = false;
        r.put("shape", java.util.Arrays.toString(g.shape()) + " vs Keras "
            + java.util.Arrays.toString(want.shape()));
        break;
      }
      if (!java.util.Arrays.equals(g.shape(), want.shape())) {
        g = g.reshape(want.shape());
      }
      worst = Math.max(worst, g.sub(want).amaxNumber().doubleValue());
    }
    r.put("max_abs_diff", shapes ? worst : Double.NaN);
    r.put("matched", shapes && worst <= 1e-5);
  }

  private static String oneLine(Throwable t) {
    String s = t.getClass().getSimpleName() + ": " + t.getMessage();
    s = s.replaceAll("\\s+", " ");
    return s.length() > 240 ? s.substring(0, 240) : s;
  }
}
