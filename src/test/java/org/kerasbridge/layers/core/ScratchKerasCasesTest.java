package org.kerasbridge.layers.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.kerasbridge.layers.Layer;
import org.kerasbridge.ndarray.Npy;
import org.kerasbridge.ndarray.NpyArray;

class ScratchKerasCasesTest {
  @TestFactory
  Stream<DynamicTest> cases() throws Exception {
    Path root = Path.of(System.getProperty("scratch.cases", "/tmp/h5check/cases"));
    ObjectMapper om = new ObjectMapper();
    List<DynamicTest> out = new ArrayList<>();
    try (Stream<Path> s = Files.list(root)) {
      for (Path d : s.sorted().toList()) {
        out.add(DynamicTest.dynamicTest(d.getFileName().toString(), () -> {
          JsonNode c = om.readTree(d.resolve("case.json").toFile());
          Layer l = LayerHarness.create(c.get("class_name").asText(), c.get("config"), "3.15.1");
          List<NpyArray> ins = read(d, c.get("inputs"));
          List<NpyArray> masks = c.get("masks").isEmpty() ? null : read(d, c.get("masks"));
          List<NpyArray> ws = read(d, c.get("weights"));
          LayerHarness.Result r = LayerHarness.run(l, ins, masks, ws,
              c.get("training").asBoolean());
          List<NpyArray> exp = read(d, c.get("outputs"));
          for (int i = 0; i < exp.size(); i++) {
            LayerHarness.assertClose(exp.get(i), r.outputs().get(i), 1e-5);
          }
          List<NpyArray> em = read(d, c.get("out_masks"));
          for (int i = 0; i < em.size(); i++) {
            if (em.get(i) == null) {
              org.junit.jupiter.api.Assertions.assertNull(r.masks().get(i), "mask " + i);
            } else {
              org.junit.jupiter.api.Assertions.assertNotNull(r.masks().get(i), "mask " + i);
              LayerHarness.assertClose(em.get(i), r.masks().get(i), 0);
            }
          }
          List<NpyArray> wa = read(d, c.get("weights_after"));
          List<NpyArray> got = new ArrayList<>(r.weightsAfter().values());
          for (int i = 0; i < wa.size() && !got.isEmpty(); i++) {
            LayerHarness.assertClose(wa.get(i), got.get(i), 1e-6);
          }
          List<NpyArray> el = read(d, c.get("losses"));
          org.junit.jupiter.api.Assertions.assertEquals(el.size(), r.losses().size(), "losses");
          for (int i = 0; i < el.size(); i++) {
            System.out.println("loss shape " + java.util.Arrays.toString(r.losses().get(i).shape()));
            org.junit.jupiter.api.Assertions.assertEquals(el.get(i).getDouble(0),
                r.losses().get(i).getDouble(0), 1e-5 * Math.max(1, Math.abs(el.get(i).getDouble(0))));
          }
        }));
      }
    }
    return out.stream();
  }

  private static List<NpyArray> read(Path d, JsonNode files) {
    List<NpyArray> out = new ArrayList<>();
    for (JsonNode f : files) {
      out.add(f.isNull() ? null : Npy.read(d.resolve(f.asText())));
    }
    return out;
  }
}
