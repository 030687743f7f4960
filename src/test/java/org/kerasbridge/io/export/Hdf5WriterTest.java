package org.kerasbridge.io.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kerasbridge.InvalidInputException;
import org.kerasbridge.io.KerasJson;
import org.kerasbridge.io.h5.Hdf5;
import org.kerasbridge.io.h5.Hdf5Writer;
import org.kerasbridge.ndarray.NpyArray;

/**
 * KerasBridge's HDF5 writer on exactly what Keras files need and jHDF 0.13's writer gets wrong:
 * variable-length UTF-8 string attributes (scalar and lists), a 300 KB attribute, an empty list
 * attribute (h5py's empty float64 array), groups holding only attributes, scalar int64 and float
 * datasets, empty datasets, non-ASCII names, a group with many children. Read back with jHDF (the
 * KerasBridge readers), and with h5py when the pinned Python venv is there.
 */
class Hdf5WriterTest {
  @TempDir
  Path tmp;

  private static final String BIG = "{\"layers\": \"" + "x".repeat(300_000) + "\"}";

  private Path write() throws Exception {
    Hdf5Writer w = new Hdf5Writer();
    Hdf5Writer.Group root = w.root();
    root.attribute("model_config", BIG);
    root.attribute("keras_version", "3.15.1");
    Hdf5Writer.Group mw = root.group("model_weights");
    mw.attribute("layer_names", List.of("dense", "dropout", "dénse_ü"));
    Hdf5Writer.Group dense = mw.group("dense");
    dense.attribute("weight_names", List.of("dense/kernel", "dense/bias"));
    dense.groupPath("dense").dataset("kernel", NpyArray.ofFloats(new long[] {2, 3},
        1, 2, 3, 4, 5, 6));
    dense.groupPath("dense").dataset("bias", NpyArray.ofFloats(new long[] {3}, 7, 8, 9));
    mw.group("dropout").attribute("weight_names", List.of());
    mw.group("dénse_ü").attribute("name", "");
    root.groupPath("vars").attribute("name", "sequential");
    Hdf5Writer.Group opt = root.groupPath("optimizer/vars");
    opt.attribute("name", "adam");
    opt.dataset("0", NpyArray.ofLongs(new long[0], 42L));
    opt.dataset("1", NpyArray.ofFloats(new long[0], 0.5f));
    opt.dataset("2", NpyArray.ofDoubles(new long[] {2, 2}, 1, 2, 3, 4));
    opt.dataset("3", NpyArray.ofInts(new long[] {0, 3}));
    opt.dataset("4", NpyArray.ofBytes(new long[] {3}, (byte) 1, (byte) 2, (byte) 255));
    Hdf5Writer.Group many = root.group("many");
    for (int i = 0; i < 300; i++) {
      many.group("g" + i).attribute("name", "n" + i);
    }
    Path p = tmp.resolve("t.h5");
    w.write(p);
    return p;
  }

  @Test
  void jhdfReadsWhatItWrites() throws Exception {
    Path p = write();
    assertTrue(Hdf5.hasSignature(p));
    try (HdfFile f = Hdf5.open(p, "test")) {
      assertEquals(BIG, Hdf5.stringAttribute(f, "model_config"));
      assertEquals("3.15.1", Hdf5.stringAttribute(f, "keras_version"));
      Group mw = Hdf5.childGroup(f, "model_weights");
      assertEquals(List.of("dense", "dropout", "dénse_ü"),
          Hdf5.stringListAttribute(mw, "layer_names"));
      assertEquals(List.of(), Hdf5.stringListAttribute(Hdf5.childGroup(mw, "dropout"),
          "weight_names"));
      assertEquals("", Hdf5.stringAttribute(Hdf5.childGroup(mw, "dénse_ü"), "name"));
      assertEquals("sequential", Hdf5.stringAttribute(Hdf5.childGroup(f, "vars"), "name"));
      NpyArray k = Hdf5.read((Dataset) f.getByPath("model_weights/dense/dense/kernel"), false,
          "k");
      assertArrayEquals(new long[] {2, 3}, k.shape());
      assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, k.toFloatArray());
      NpyArray it = Hdf5.read((Dataset) f.getByPath("optimizer/vars/0"), false, "it");
      assertEquals("int64", it.dtype().kerasName());
      assertEquals(0, it.rank());
      assertEquals(42.0, it.getDouble(0));
      assertEquals(0.5, Hdf5.read((Dataset) f.getByPath("optimizer/vars/1"), false, "lr")
          .getDouble(0));
      NpyArray d = Hdf5.read((Dataset) f.getByPath("optimizer/vars/2"), false, "d");
      assertEquals("float64", d.dtype().kerasName());
      assertArrayEquals(new long[] {0, 3},
          Hdf5.read((Dataset) f.getByPath("optimizer/vars/3"), false, "e").shape());
      assertEquals(255.0, Hdf5.read((Dataset) f.getByPath("optimizer/vars/4"), false, "u")
          .getDouble(2));
      assertEquals(300, Hdf5.childGroup(f, "many").getChildren().size());
    }
  }

  @Test
  void refusesWhatHdf5CannotHold() {
    Hdf5Writer w = new Hdf5Writer();
    List<String> tooMany = new ArrayList<>();
    for (int i = 0; i < 5000; i++) {
      tooMany.add("layer_" + i);
    }
    w.root().attribute("layer_names", tooMany);
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> w.write(tmp.resolve("x.h5")));
    assertTrue(e.getMessage().contains("64 KB"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> w.root().group("a/b"));
    w.root().dataset("d", NpyArray.ofFloats(new long[] {1}, 1));
    assertThrows(IllegalArgumentException.class, () -> w.root().group("d"));
  }

  @Test
  void h5pyReadsWhatItWrites() throws Exception {
    assumeTrue(PythonEnv.python() != null, PythonEnv::missingReason);
    Path p = write();
    ObjectNode exp = KerasJson.nodes().objectNode();
    ObjectNode rootAttrs = exp.putObject("/").putObject("attrs");
    rootAttrs.put("model_config", BIG);
    rootAttrs.put("keras_version", "3.15.1");
    ObjectNode mw = exp.putObject("/model_weights").putObject("attrs");
    strings(mw.putArray("layer_names"), "dense", "dropout", "dénse_ü");
    strings(exp.putObject("/model_weights/dense").putObject("attrs").putArray("weight_names"),
        "dense/kernel", "dense/bias");
    exp.putObject("/model_weights/dense/dense").putObject("attrs");
    dataset(exp, "/model_weights/dense/dense/kernel", "f4", List.of(2, 3), 1, 2, 3, 4, 5, 6);
    dataset(exp, "/model_weights/dense/dense/bias", "f4", List.of(3), 7, 8, 9);
    exp.putObject("/model_weights/dropout").putObject("attrs").putArray("weight_names");
    exp.putObject("/model_weights/dénse_ü").putObject("attrs").put("name", "");
    exp.putObject("/vars").putObject("attrs").put("name", "sequential");
    exp.putObject("/optimizer").putObject("attrs");
    exp.putObject("/optimizer/vars").putObject("attrs").put("name", "adam");
    dataset(exp, "/optimizer/vars/0", "i8", List.of(), 42);
    dataset(exp, "/optimizer/vars/1", "f4", List.of(), 0.5);
    dataset(exp, "/optimizer/vars/2", "f8", List.of(2, 2), 1, 2, 3, 4);
    dataset(exp, "/optimizer/vars/3", "i4", List.of(0, 3));
    dataset(exp, "/optimizer/vars/4", "u1", List.of(3), 1, 2, 255);
    exp.putObject("/many").putObject("attrs");
    for (int i = 0; i < 300; i++) {
      exp.putObject("/many/g" + i).putObject("attrs").put("name", "n" + i);
    }
    ObjectNode manifest = KerasJson.nodes().objectNode();
    ObjectNode c = manifest.putArray("cases").addObject();
    c.put("id", "hdf5");
    c.put("kind", "hdf5");
    c.put("path", p.toString());
    c.set("expected", exp);
    Path m = tmp.resolve("manifest.json");
    Files.writeString(m, KerasJson.write(manifest));
    JsonNode report = PythonEnv.run(m, tmp.resolve("report.json"), tmp.resolve("log.txt"), 120);
    JsonNode r = report.path("results").get(0);
    assertTrue(r.path("ok").asBoolean(), r.path("error").asText());
  }

  private static void strings(ArrayNode a, String... values) {
    for (String v : values) {
      a.add(v);
    }
  }

  private static void dataset(ObjectNode exp, String path, String dtype, List<Integer> shape,
      double... values) {
    ObjectNode d = exp.putObject(path);
    d.putObject("attrs");
    d.put("dtype", dtype);
    ArrayNode s = d.putArray("shape");
    shape.forEach(s::add);
    ArrayNode v = d.putArray("values");
    for (double x : values) {
      if (dtype.startsWith("f")) {
        v.add(x);
      } else {
        v.add((long) x);
      }
    }
  }
}
