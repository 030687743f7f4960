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
import org.kerasbridge.graph.Device;
import org.kerasbridge.io.ModelFiles;
import org.kerasbridge.model.KerasModel;
import org.kerasbridge.ndarray.Npy;
import org.kerasbridge.ndarray.NpyArray;

class ScratchFixtureE2ETest {
  @TestFactory
  Stream<DynamicTest> cases() throws Exception {
    Path root = Path.of(System.getProperty("scratch.fix", "/tmp/h5fix/layers"));
    ObjectMapper om = new ObjectMapper();
    List<DynamicTest> out = new ArrayList<>();
    try (Stream<Path> s = Files.list(root)) {
      for (Path d : s.sorted().toList()) {
        JsonNode fx = om.readTree(d.resolve("fixture.json").toFile());
        for (JsonNode f : fx.get("formats")) {
          String fmt = f.asText();
          out.add(DynamicTest.dynamicTest(d.getFileName() + "/" + fmt, () -> {
            List<NpyArray> ins = new ArrayList<>();
            for (JsonNode n : fx.get("inputs")) {
              ins.add(Npy.read(d.resolve(n.get("file").asText())));
            }
            try (KerasModel m = KerasModel.fromSpec(ModelFiles.read(d.resolve(fmt)),
                Device.CPU)) {
              List<NpyArray> got = m.predict(ins, 64);
              int k = 0;
              for (JsonNode n : fx.get("outputs")) {
                LayerHarness.assertClose(Npy.read(d.resolve(n.get("file").asText())),
                    got.get(k++), 1e-5);
              }
              System.out.println("OK " + d.getFileName() + "/" + fmt);
            }
          }));
        }
      }
    }
    return out.stream();
  }
}
