package org.kerasbridge.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kerasbridge.InvalidInputException;
import org.kerasbridge.KerasBridge;
import org.kerasbridge.fixtures.Fixtures;
import org.kerasbridge.graph.Device;
import org.kerasbridge.model.KerasModel;
import org.kerasbridge.ndarray.Npy;
import org.kerasbridge.ndarray.NpyArray;

/**
 * Names read from a model file (layer, optimizer, loss, metric, activation and class names, and
 * any JSON key) are held to {@link KerasJson#MAX_NAME_LENGTH} when the JSON is read, before
 * anything reaches TensorFlow: an optimizer name of 1.8 million characters made the graph build
 * crawl (issue 11, bench/fuzz.sh). The refusal is typed and names the file, the field and the
 * length. The model: models/training/adam_cce (a compiled Sequential of two Dense layers).
 */
class NameLengthTest {
  private static final Path KERAS = Fixtures.models().resolve("training/adam_cce/initial.keras");

  @TempDir
  Path tmp;

  /** A copy of the model whose config.json is edited by {@code edit}. */
  private Path edited(String name, Consumer<ObjectNode> edit) throws IOException {
    Path out = tmp.resolve(name + ".keras");
    try (ZipFile in = new ZipFile(KERAS.toFile());
        ZipOutputStream zo = new ZipOutputStream(Files.newOutputStream(out))) {
      for (ZipEntry e : java.util.Collections.list(in.entries())) {
        zo.putNextEntry(new ZipEntry(e.getName()));
        try (InputStream is = in.getInputStream(e)) {
          if (e.getName().equals("config.json")) {
            ObjectNode cfg = (ObjectNode) KerasJson.MAPPER.readTree(is);
            edit.accept(cfg);
            zo.write(KerasJson.write(cfg).getBytes(StandardCharsets.UTF_8));
          } else {
            is.transferTo(zo);
          }
        }
        zo.closeEntry();
      }
    }
    return out;
  }

  private static ObjectNode at(ObjectNode cfg, String pointer) {
    return (ObjectNode) cfg.at(pointer);
  }

  private static void refused(Path file, String field, int length) {
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> ModelFiles.read(file));
    String m = e.getMessage();
    assertTrue(m.startsWith(file.toString()), "names the file: " + m);
    assertTrue(m.contains(field), "names the field " + field + ": " + m);
    assertTrue(m.contains("a name of " + length + " characters"), "states the length: " + m);
    assertTrue(m.length() < 600, "a short message, not the name: " + m.length());
  }

  @Test
  void anOptimizerNameOfMillionsOfCharactersIsRefusedAtOnce() throws IOException {
    String huge = "a".repeat(1_800_000);
    Path f = edited("optimizer", c -> at(c, "/compile_config/optimizer/config").put("name", huge));
    long t0 = System.nanoTime();
    refused(f, "model config JSON field /compile_config/optimizer/config/name", 1_800_000);
    assertTrue(System.nanoTime() - t0 < 10_000_000_000L, "refused within seconds");
    // the CLI path too: exit 2 with one line, as every typed refusal
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> KerasBridge.loadKeras(f, Device.CPU).close());
    assertTrue(e.getMessage().contains("1800000 characters"), e.getMessage());
  }

  @Test
  void everyKindOfNameIsHeldToTheLimit() throws IOException {
    String n = "x".repeat(KerasJson.MAX_NAME_LENGTH + 1);
    int len = n.length();
    refused(edited("layer", c -> at(c, "/config/layers/1/config").put("name", n)),
        "field /config/layers/1/config/name", len);
    refused(edited("class", c -> at(c, "/config/layers/1").put("class_name", n)),
        "field /config/layers/1/class_name", len);
    refused(edited("activation", c -> at(c, "/config/layers/1/config").put("activation", n)),
        "field /config/layers/1/config/activation", len);
    refused(edited("loss", c -> at(c, "/compile_config/loss/config").put("name", n)),
        "field /compile_config/loss/config/name", len);
    refused(edited("loss_string", c -> at(c, "/compile_config").put("loss", n)),
        "field /compile_config/loss", len);
    refused(edited("metric", c -> {
      ArrayNode m = at(c, "/compile_config").putArray("metrics");
      m.add("accuracy").add(n);
    }), "field /compile_config/metrics/1", len);
    refused(edited("loss_dict", c -> at(c, "/compile_config").putObject("loss")
        .put("dense_1", n)), "field /compile_config/loss/dense_1", len);
    refused(edited("key", c -> at(c, "/config/layers/1/config").put(n, 1)),
        "key in /config/layers/1/config", len);
  }

  @Test
  void aNameAtTheLimitLoadsAndPredicts() throws IOException {
    String n = "d".repeat(KerasJson.MAX_NAME_LENGTH);
    Path f = edited("at_limit", c -> {
      at(c, "/config").put("name", n);
      at(c, "/compile_config/optimizer/config").put("name", n);
    });
    try (KerasModel m = KerasBridge.loadKeras(f, Device.CPU)) {
      assertTrue(m.summary().contains(n), "the model keeps its name");
      List<NpyArray> x = List.of(Npy.read(KERAS.resolveSibling("x.npy")));
      m.predict(x, 4);
      m.compileFromFile();
      m.trainOnBatch(x, List.of(Npy.read(KERAS.resolveSibling("y.npy"))), null);
    }
  }

  @Test
  void longFreeTextIsNotAName() {
    // a Lambda's bytecode is free text: it must reach the Lambda refusal, not the name limit
    String json = "{\"class_name\": \"Lambda\", \"config\": {\"name\": \"l\", \"function\": [\""
        + "A".repeat(5000) + "\", null, null], \"activation\": {\"class_name\": \"__lambda__\","
        + " \"config\": {\"code\": \"" + "B".repeat(5000) + "\"}}}}";
    JsonNode n = KerasJson.parse(json, "test", "config");
    assertEquals(5000, n.path("config").path("function").get(0).asText().length());
  }
}
