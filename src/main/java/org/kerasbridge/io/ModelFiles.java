package org.kerasbridge.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jhdf.HdfFile;
import io.jhdf.api.Group;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.kerasbridge.InvalidInputException;
import org.kerasbridge.KerasBridgeException;
import org.kerasbridge.UnsupportedFeatureException;
import org.kerasbridge.io.ModelSpec.NamedArray;
import org.kerasbridge.io.h5.H5ModelReader;
import org.kerasbridge.io.h5.Hdf5;
import org.kerasbridge.io.h5.Keras2Translator;
import org.kerasbridge.io.keras.KerasV3Reader;

/**
 * Reads any supported Keras model file into a {@link ModelSpec}, choosing the reader by content,
 * never by file name:
 *
 * <ul>
 *   <li>a zip ({@code PK\3\4}) is a {@code .keras} archive ({@link KerasV3Reader});
 *   <li>an HDF5 file with a {@code model_config} attribute is a legacy full model
 *       ({@link H5ModelReader}), Keras 3 or Keras 1/2 by its {@code keras_version};
 *   <li>an HDF5 file without {@code model_config} holds weights only (Keras 3 {@code .weights.h5}
 *       or Keras 2 {@code save_weights}); it is refused with a pointer to
 *       {@link #read(Path, Path)}, since the architecture lives in a separate JSON;
 *   <li>a directory with {@code config.json} and {@code model.weights.h5} is an unzipped
 *       {@code .keras} ({@code model.save(dir, zipped=False)});
 *   <li>a directory with {@code saved_model.pb} is a TensorFlow SavedModel. It is refused here
 *       ({@link UnsupportedFeatureException}): a SavedModel holds a TensorFlow graph, not a Keras
 *       config, so there is no {@code ModelSpec} to make; load it with
 *       {@link org.kerasbridge.io.savedmodel.SavedModel} (or {@link org.kerasbridge.KerasBridge}).
 * </ul>
 */
public final class ModelFiles {
  private static final byte[] ZIP = {'P', 'K', 3, 4};
  private static final byte[] EMPTY_ZIP = {'P', 'K', 5, 6};

  private ModelFiles() {}

  /**
   * Reads a model file or directory.
   *
   * @throws InvalidInputException naming the file when it is missing, not a model, damaged, or
   *     holds weights only
   * @throws UnsupportedFeatureException for a SavedModel directory, a subclassed model, or stored
   *     content KerasBridge cannot represent
   */
  public static ModelSpec read(Path path) {
    try {
      return readChecked(path);
    } catch (StackOverflowError e) {
      throw tooDeep(path, e);
    }
  }

  /**
   * A structure deep enough to exhaust the stack (nested JSON, HDF5 groups or B-trees that jHDF
   * follows recursively) is refused like any malformed file; the readers' own limits (JSON depth,
   * {@link Hdf5#MAX_DEPTH}) catch the usual cases first.
   */
  private static InvalidInputException tooDeep(Path path, StackOverflowError e) {
    return new InvalidInputException(path + ": the file's structure is nested too deeply to read"
        + " (cyclic or extremely deep HDF5 links or JSON); not a Keras model file", e);
  }

  private static ModelSpec readChecked(Path path) {
    if (!Files.exists(path)) {
      throw new InvalidInputException(path + ": no such file or directory");
    }
    if (Files.isDirectory(path)) {
      if (Files.isRegularFile(path.resolve("saved_model.pb"))
          || Files.isRegularFile(path.resolve("saved_model.pbtxt"))) {
        throw new UnsupportedFeatureException(path + ": a TensorFlow SavedModel directory holds a"
            + " TensorFlow graph, not a Keras config, so it cannot be read into a ModelSpec; load"
            + " it with org.kerasbridge.io.savedmodel.SavedModel or KerasBridge.load");
      }
      if (Files.isRegularFile(path.resolve("config.json"))) {
        return KerasV3Reader.read(path);
      }
      throw new InvalidInputException(path + ": directory is not a model: expected a SavedModel"
          + " (saved_model.pb) or an unzipped .keras (config.json, model.weights.h5)");
    }
    byte[] head = head(path, 8);
    if (startsWith(head, ZIP) || startsWith(head, EMPTY_ZIP)) {
      return KerasV3Reader.read(path);
    }
    if (Hdf5.hasSignature(path)) {
      return readHdf5(path);
    }
    String start = new String(head, StandardCharsets.ISO_8859_1).stripLeading();
    if (start.startsWith("{")) {
      throw new InvalidInputException(path + ": this is JSON, presumably a model config; read it"
          + " together with its weights: ModelFiles.read(weightsH5, configJson)");
    }
    throw new InvalidInputException(path + ": not a Keras model file: expected a .keras zip"
        + " archive or an HDF5 (.h5) file, found neither signature (first bytes: "
        + hex(head) + ")");
  }

  private static ModelSpec readHdf5(Path path) {
    boolean hasConfig;
    String weightsKind;
    try (HdfFile h5 = Hdf5.open(path, "a Keras HDF5 model")) {
      hasConfig = Hdf5.stringAttribute(h5, "model_config") != null;
      weightsKind = Hdf5.hasAttribute(h5, "layer_names") ? "Keras 2 weights-only HDF5"
          : Hdf5.childGroup(h5, "layers") != null || Hdf5.childGroup(h5, "vars") != null
              ? "Keras 3 .weights.h5" : null;
    } catch (KerasBridgeException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new InvalidInputException(path + ": damaged HDF5 file (expected a Keras model): " + e,
          e);
    }
    if (hasConfig) {
      return H5ModelReader.read(path);
    }
    if (weightsKind != null) {
      throw new InvalidInputException(path + ": a " + weightsKind + " file holds weights but no"
          + " model config (no model_config attribute); a config JSON is needed: read it with"
          + " ModelFiles.read(weights, configJson), passing model.to_json() output or the"
          + " config.json of a .keras");
    }
    throw new InvalidInputException(path + ": HDF5 file without a model_config attribute and"
        + " without Keras weights groups, so not a Keras model (expected an .h5 written by"
        + " model.save())");
  }

  /**
   * Reads weights saved apart from the architecture, with the config JSON: a Keras 3
   * {@code .weights.h5} ({@code model.save_weights}) and the output of {@code model.to_json()} or
   * the {@code config.json} of a {@code .keras}; or a Keras 1/2 weights-only HDF5 and that
   * version's {@code model.to_json()}. Format {@link ModelSpec.Format#WEIGHTS_H5}.
   *
   * <p>{@code kerasVersion} is the version the JSON declares ({@code keras_version}, which Keras
   * 1/2 {@code to_json} writes), else the one the weights file declares, else "" (Keras 3 writes
   * none into either file; the Keras 3 weights layout itself then says the model is Keras 3).
   */
  public static ModelSpec read(Path weightsH5, Path configJson) {
    try {
      return readChecked(weightsH5, configJson);
    } catch (StackOverflowError e) {
      throw tooDeep(weightsH5, e);
    }
  }

  private static ModelSpec readChecked(Path weightsH5, Path configJson) {
    for (Path p : List.of(weightsH5, configJson)) {
      if (!Files.isRegularFile(p)) {
        throw new InvalidInputException(p + ": no such file");
      }
    }
    if (!Hdf5.hasSignature(weightsH5)) {
      throw new InvalidInputException(weightsH5 + ": not an HDF5 file (expected Keras weights:"
          + " a .weights.h5 or a legacy weights .h5)");
    }
    boolean legacyLayout;
    try (HdfFile h5 = Hdf5.open(weightsH5, "Keras weights")) {
      legacyLayout = Hdf5.childGroup(h5, "model_weights") != null
          || Hdf5.hasAttribute(h5, "layer_names");
    } catch (KerasBridgeException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new InvalidInputException(weightsH5 + ": damaged HDF5 file: " + e, e);
    }
    if (!legacyLayout) {
      return KerasV3Reader.readWeights(weightsH5, configJson);
    }
    return readLegacyWeights(weightsH5, configJson);
  }

  private static ModelSpec readLegacyWeights(Path weightsH5, Path configJson) {
    String where = weightsH5.toString();
    String text;
    try {
      text = Files.readString(configJson, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new InvalidInputException(configJson + ": cannot read the config JSON: " + e, e);
    }
    JsonNode top = KerasJson.parse(text, configJson.toString(), "model config JSON");
    if (!top.isObject() || !top.path("class_name").isTextual()) {
      throw new InvalidInputException(configJson + ": not a Keras model config: expected a JSON"
          + " object with \"class_name\" and \"config\"");
    }
    try (HdfFile h5 = Hdf5.open(weightsH5, "Keras weights")) {
      Group g = Hdf5.childGroup(h5, "model_weights");
      Group weightsGroup = g != null ? g : h5;
      String version = top.path("keras_version").asText("");
      if (version.isEmpty()) {
        String v = Hdf5.stringAttribute(weightsGroup, "keras_version");
        version = v == null ? "" : v;
      }
      List<String> translations = new ArrayList<>();
      ObjectNode model = ((ObjectNode) top).deepCopy();
      model.remove(List.of("compile_config", "keras_version", "backend"));
      boolean keras3 = H5ModelReader.majorVersion(version) >= 3;
      ObjectNode config = keras3 ? ConfigNormalizer.normalize(model, configJson.toString())
          : Keras2Translator.translate(model, configJson.toString(), translations);
      Map<String, List<NamedArray>> weights = H5ModelReader.readLayerWeights(weightsGroup, config,
          where, translations);
      JsonNode compile = top.get("compile_config");
      return new ModelSpec(weightsH5, ModelSpec.Format.WEIGHTS_H5, version, config, weights,
          compile == null || compile.isNull() ? null : compile.deepCopy(),
          H5ModelReader.readOptimizerWeights(h5, where, translations), translations);
    } catch (KerasBridgeException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new InvalidInputException(where + ": cannot read the weights: " + e, e);
    }
  }

  private static byte[] head(Path p, int n) {
    try (InputStream in = Files.newInputStream(p)) {
      return in.readNBytes(n);
    } catch (IOException e) {
      throw new InvalidInputException(p + ": cannot read the file: " + e, e);
    }
  }

  private static boolean startsWith(byte[] b, byte[] prefix) {
    return b.length >= prefix.length
        && Arrays.equals(Arrays.copyOf(b, prefix.length), prefix);
  }

  private static String hex(byte[] b) {
    StringBuilder s = new StringBuilder();
    for (byte x : b) {
      s.append(String.format("%02x", x & 0xff));
    }
    return s.length() == 0 ? "empty file" : s.toString();
  }
}
