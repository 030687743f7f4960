package org.kerasbridge.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kerasbridge.InvalidInputException;
import org.kerasbridge.KerasBridgeException;
import org.kerasbridge.UnsupportedFeatureException;

/** Damaged or foreign inputs fail with a typed error whose message names the file. */
class MalformedInputTest {
  @TempDir
  Path tmp;

  private static final Path KERAS = IoFixtures.readerModel("nested", "model.keras");
  private static final Path H5 = IoFixtures.readerModel("nested", "model.h5");

  private static <T extends KerasBridgeException> T fails(Class<T> type, Path file,
      String expectedFragment) {
    T e = assertThrows(type, () -> ModelFiles.read(file));
    assertTrue(e.getMessage().startsWith(file.toString()), "names the file: " + e.getMessage());
    assertTrue(e.getMessage().contains(expectedFragment),
        "says \"" + expectedFragment + "\": " + e.getMessage());
    return e;
  }

  /** A copy of the fixture .keras without some entries, or with one replaced. */
  private Path rezip(String name, List<String> drop, String replace, byte[] with)
      throws IOException {
    Path out = tmp.resolve(name);
    try (ZipFile in = new ZipFile(KERAS.toFile());
        ZipOutputStream zo = new ZipOutputStream(Files.newOutputStream(out))) {
      for (ZipEntry e : java.util.Collections.list(in.entries())) {
        if (drop.contains(e.getName())) {
          continue;
        }
        zo.putNextEntry(new ZipEntry(e.getName()));
        if (e.getName().equals(replace)) {
          zo.write(with);
        } else {
          try (InputStream is = in.getInputStream(e)) {
            is.transferTo(zo);
          }
        }
        zo.closeEntry();
      }
    }
    return out;
  }

  @Test
  void truncatedKeras() throws IOException {
    byte[] all = Files.readAllBytes(KERAS);
    for (int keep : new int[] {all.length / 2, all.length - 30, 10}) {
      Path cut = tmp.resolve("cut" + keep + ".keras");
      Files.write(cut, java.util.Arrays.copyOf(all, keep));
      fails(InvalidInputException.class, cut, ".keras");
    }
  }

  @Test
  void kerasWithoutConfigOrWeights() throws IOException {
    fails(InvalidInputException.class, rezip("noconfig.keras", List.of("config.json"), null, null),
        "has no config.json");
    fails(InvalidInputException.class, rezip("noweights.keras", List.of("model.weights.h5"),
        null, null), "no model.weights.h5");
    fails(InvalidInputException.class, rezip("badjson.keras", List.of(), "config.json",
        "{\"class_name\": \"Functional\", \"config\": {".getBytes(StandardCharsets.UTF_8)),
        "is not valid JSON");
    fails(InvalidInputException.class, rezip("badweights.keras", List.of(), "model.weights.h5",
        "not hdf5 at all".getBytes(StandardCharsets.UTF_8)), "model.weights.h5");
    Path npz = tmp.resolve("npz.keras");
    try (ZipOutputStream zo = new ZipOutputStream(Files.newOutputStream(npz))) {
      for (String n : List.of("config.json", "metadata.json", "model.weights.npz")) {
        zo.putNextEntry(new ZipEntry(n));
        zo.write("{}".getBytes(StandardCharsets.UTF_8));
        zo.closeEntry();
      }
    }
    fails(UnsupportedFeatureException.class, npz, "model.weights.npz");
  }

  @Test
  void weightsThatDoNotFitTheConfig() throws IOException {
    // the nested fixture's config.json with another fixture's weights
    byte[] otherWeights;
    try (ZipFile z = new ZipFile(IoFixtures.readerModel("wrappers", "model.keras").toFile());
        InputStream in = z.getInputStream(z.getEntry("model.weights.h5"))) {
      otherWeights = in.readAllBytes();
    }
    Path mixed = rezip("mixed.keras", List.of(), "model.weights.h5", otherWeights);
    fails(InvalidInputException.class, mixed, "do not describe the same model");
  }

  @Test
  void h5WithoutModelConfig() throws IOException {
    Path plain = tmp.resolve("plain.h5");
    try (WritableHdfFile w = HdfFile.write(plain)) {
      w.putDataset("data", new float[] {1, 2, 3});
    }
    fails(InvalidInputException.class, plain, "without a model_config attribute");
    Path weightsOnly = tmp.resolve("extracted.weights.h5");
    try (ZipFile z = new ZipFile(KERAS.toFile());
        InputStream in = z.getInputStream(z.getEntry("model.weights.h5"))) {
      Files.copy(in, weightsOnly);
    }
    fails(InvalidInputException.class, weightsOnly, "a config JSON is needed");
  }

  @Test
  void truncatedH5() throws IOException {
    byte[] all = Files.readAllBytes(H5);
    Path cut = tmp.resolve("cut.h5");
    Files.write(cut, java.util.Arrays.copyOf(all, all.length / 3));
    KerasBridgeException e = assertThrows(KerasBridgeException.class, () -> ModelFiles.read(cut));
    assertTrue(e instanceof InvalidInputException, e.toString());
    assertTrue(e.getMessage().startsWith(cut.toString()), e.getMessage());
  }

  @Test
  void neitherFormat() throws IOException {
    Path text = tmp.resolve("model.h5");
    Files.writeString(text, "this is not a model\n");
    fails(InvalidInputException.class, text, "not a Keras model file");
    Path empty = tmp.resolve("empty.keras");
    Files.write(empty, new byte[0]);
    fails(InvalidInputException.class, empty, "empty file");
    Path json = tmp.resolve("model.json");
    Files.writeString(json, "  {\"class_name\": \"Sequential\"}");
    fails(InvalidInputException.class, json, "ModelFiles.read(weightsH5, configJson)");
    fails(InvalidInputException.class, tmp.resolve("missing.keras"), "no such file");
    fails(InvalidInputException.class, tmp, "directory is not a model");
  }

  @Test
  void savedModelDirectoryIsPointedElsewhere() throws IOException {
    Path sm = tmp.resolve("sm");
    Files.createDirectories(sm);
    try (OutputStream o = Files.newOutputStream(sm.resolve("saved_model.pb"))) {
      o.write(new byte[] {8, 1});
    }
    fails(UnsupportedFeatureException.class, sm, "SavedModel");
  }

  @Test
  void weightsAndConfigPairErrors() throws IOException {
    Path weights = IoFixtures.readerModel("weights_only", "model.weights.h5");
    Path badJson = tmp.resolve("bad.json");
    Files.writeString(badJson, "{\"not\": \"a model\"}");
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> ModelFiles.read(weights, badJson));
    assertTrue(e.getMessage().startsWith(badJson.toString()), e.getMessage());
    e = assertThrows(InvalidInputException.class, () -> ModelFiles.read(badJson, badJson));
    assertTrue(e.getMessage().startsWith(badJson.toString()), e.getMessage());
    assertEquals(true, e.getMessage().contains("not an HDF5 file"), e.getMessage());
  }
}
