package org.kerasbridge.io.savedmodel;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kerasbridge.KerasBridge;
import org.kerasbridge.UnsupportedFeatureException;
import org.kerasbridge.fixtures.Fixtures;
import org.kerasbridge.graph.Device;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.SavedModel;

/**
 * A SavedModel whose graph holds a file-touching op is refused before TensorFlow loads it (and
 * so before any of its ops runs); the SavedModels Keras exports pass.
 */
class GraphVettingTest {
  private static final Path FIXTURE = Fixtures.models().resolve("mlp_classifier/saved_model");

  @TempDir
  Path tmp;

  private Path edited(String name, UnaryOperator<GraphDef> edit) throws IOException {
    Path dir = tmp.resolve(name);
    try (Stream<Path> walk = Files.walk(FIXTURE)) {
      for (Path p : walk.toList()) {
        Path q = dir.resolve(FIXTURE.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(q);
        } else {
          Files.copy(p, q);
        }
      }
    }
    Path pb = dir.resolve("saved_model.pb");
    SavedModel sm = SavedModel.parseFrom(Files.readAllBytes(pb));
    MetaGraphDef mg = sm.getMetaGraphs(0);
    SavedModel out = sm.toBuilder().setMetaGraphs(0, mg.toBuilder()
        .setGraphDef(edit.apply(mg.getGraphDef()))).build();
    Files.write(pb, out.toByteArray());
    return dir;
  }

  private static NodeDef node(String name, String op) {
    return NodeDef.newBuilder().setName(name).setOp(op).build();
  }

  @Test
  void kerasExportsPass() throws IOException {
    try (Stream<Path> s = Files.list(Fixtures.models())) {
      for (Path d : s.map(p -> p.resolve("saved_model")).filter(Files::isDirectory).toList()) {
        assertDoesNotThrow(() -> GraphVetting.check(d), d.toString());
      }
    }
  }

  @Test
  void fileOpsAreRefusedBeforeLoading() throws IOException {
    Path top = edited("top", g -> g.toBuilder().addNode(node("evil", "WriteFile")).build());
    UnsupportedFeatureException e = assertThrows(UnsupportedFeatureException.class,
        () -> KerasBridge.load(top, Device.CPU).close());
    assertTrue(e.getMessage().startsWith(top.toString())
        && e.getMessage().contains("WriteFile (node 'evil' in graph)"), e.getMessage());

    Path inFunction = edited("fn", g -> {
      GraphDef.Builder b = g.toBuilder();
      var lib = b.getLibraryBuilder();
      lib.setFunction(0, lib.getFunction(0).toBuilder().addNodeDef(node("peek", "ReadFile")));
      return b.build();
    });
    e = assertThrows(UnsupportedFeatureException.class,
        () -> loadAndClose(inFunction));
    assertTrue(e.getMessage().contains("ReadFile (node 'peek' in function '"), e.getMessage());

    Path print = edited("print", g -> g.toBuilder().addNode(node("p", "PrintV2").toBuilder()
        .putAttr("output_stream", AttrValue.newBuilder().setS(
            com.google.protobuf.ByteString.copyFromUtf8("file:///tmp/leak")).build()))
        .build());
    e = assertThrows(UnsupportedFeatureException.class, () -> loadAndClose(print));
    assertTrue(e.getMessage().contains("PrintV2 to 'file:///tmp/leak'"), e.getMessage());
  }

  private static Object loadAndClose(Path dir) {
    org.kerasbridge.io.savedmodel.SavedModel.load(dir).close();
    return null;
  }
}
