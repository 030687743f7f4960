package org.kerasbridge.io.keras;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jhdf.HdfFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import org.kerasbridge.InvalidInputException;
import org.kerasbridge.KerasBridgeException;
import org.kerasbridge.UnsupportedFeatureException;
import org.kerasbridge.io.ConfigNormalizer;
import org.kerasbridge.io.KerasJson;
import org.kerasbridge.io.ModelSpec;
import org.kerasbridge.io.ModelSpec.NamedArray;
import org.kerasbridge.io.h5.H5ModelReader;
import org.kerasbridge.io.h5.Hdf5;
import org.kerasbridge.io.h5.Keras2Translator;
import org.kerasbridge.ndarray.NpyArray;

/**
 * Reads the Keras 3 native format: a {@code .keras} zip (or the same three files unzipped in a
 * directory, {@code model.save(dir, zipped=False)}) holding {@code config.json} (the model
 * serialized by {@code serialize_keras_object}, with {@code compile_config} when compiled),
 * {@code metadata.json} ({@code keras_version}, {@code date_saved}) and {@code model.weights.h5}
 * (see {@link V3WeightStore} for its layout). Also reads a {@code .weights.h5} from
 * {@code model.save_weights()} together with a config JSON.
 *
 * <p>Files written by tf.keras 2.13 to 2.15 in this format ({@code keras_version} 2.x) have their
 * config translated by {@link Keras2Translator}. Assets ({@code assets/}) are ignored.
 */
public final class KerasV3Reader {
  static final String CONFIG = "config.json";
  static final String METADATA = "metadata.json";
  static final String WEIGHTS = "model.weights.h5";
  private static final long MAX_JSON_BYTES = 64L << 20;
  private static final long MAX_IN_MEMORY_WEIGHTS = 1L << 30;

  private KerasV3Reader() {}

  /**
   * Reads a {@code .keras} zip, or a directory holding {@code config.json} and
   * {@code model.weights.h5}.
   *
   * @throws InvalidInputException naming the file when the zip is damaged or an entry is missing
   *     or malformed
   */
  public static ModelSpec read(Path path) {
    if (Files.isDirectory(path)) {
      return readDirectory(path);
    }
    String where = path.toString();
    KerasArchive.Limits limits = KerasArchive.Limits.defaults();
    try (KerasArchive zip = KerasArchive.open(path, limits)) {
      String config = readText(zip, CONFIG, where, true, limits);
      String metadata = readText(zip, METADATA, where, false, limits);
      ZipEntry w = zip.entry(WEIGHTS);
      if (w == null) {
        throw missingWeights(where, zip.entryNames(20));
      }
      Path tmp = null;
      try {
        HdfFile h5;
        if (w.getSize() >= 0 && w.getSize() <= MAX_IN_MEMORY_WEIGHTS) {
          // the declared size only chooses memory or disk; the bounded stream enforces it
          byte[] bytes = zip.read(w, MAX_IN_MEMORY_WEIGHTS);
          h5 = Hdf5.open(bytes, where + "!" + WEIGHTS, "Keras 3 weights");
        } else {
          tmp = Files.createTempFile("kerasbridge-", ".weights.h5");
          zip.copy(w, tmp);
          h5 = Hdf5.open(tmp, "Keras 3 weights (" + where + "!" + WEIGHTS + ")");
        }
        try (h5) {
          return build(path, ModelSpec.Format.KERAS_V3, metadata, config, h5, where,
              where + "!" + CONFIG);
        }
      } finally {
        if (tmp != null) {
          Files.deleteIfExists(tmp);
        }
      }
    } catch (ZipException e) {
      throw new InvalidInputException(where + ": not a readable .keras zip archive (expected a"
          + " zip holding config.json, metadata.json and model.weights.h5): " + e.getMessage(), e);
    } catch (IOException e) {
      throw new InvalidInputException(where + ": cannot read the .keras archive: " + e, e);
    } catch (KerasBridgeException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new InvalidInputException(where + ": cannot read the .keras archive (expected a"
          + " Keras 3 model): " + e, e);
    }
  }

  private static ModelSpec readDirectory(Path dir) {
    String where = dir.toString();
    Path cfg = inside(dir, CONFIG);
    Path weights = inside(dir, WEIGHTS);
    if (!Files.isRegularFile(cfg)) {
      throw new InvalidInputException(where + ": directory has no " + CONFIG + " (expected an"
          + " unzipped Keras 3 model: config.json, metadata.json, model.weights.h5)");
    }
    if (!Files.isRegularFile(weights)) {
      throw missingWeights(where, List.of());
    }
    Path meta = inside(dir, METADATA);
    try (HdfFile h5 = Hdf5.open(weights, "Keras 3 weights")) {
      return build(dir, ModelSpec.Format.KERAS_V3,
          Files.isRegularFile(meta) ? readSmall(meta) : null, readSmall(cfg), h5, where,
          cfg.toString());
    } catch (KerasBridgeException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new InvalidInputException(where + ": cannot read the unzipped Keras model: " + e, e);
    }
  }

  /**
   * Reads a Keras 3 {@code .weights.h5} ({@code model.save_weights}) with the model's config JSON:
   * the output of {@code model.to_json()} or the {@code config.json} of a {@code .keras}.
   * {@code kerasVersion} is the JSON's {@code keras_version} when it has one, else "" (Keras 3
   * writes no version into either file).
   */
  public static ModelSpec readWeights(Path weightsH5, Path configJson) {
    String where = weightsH5.toString();
    String config = readSmall(configJson);
    try (HdfFile h5 = Hdf5.open(weightsH5, "Keras 3 .weights.h5")) {
      return build(weightsH5, ModelSpec.Format.WEIGHTS_H5, null, config, h5, where,
          configJson.toString());
    } catch (KerasBridgeException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new InvalidInputException(where + ": cannot read Keras 3 weights: " + e, e);
    }
  }

  private static ModelSpec build(Path source, ModelSpec.Format format, String metadataText,
      String configText, HdfFile h5, String where, String configWhere) {
    JsonNode top = KerasJson.parse(configText, configWhere, "model config JSON");
    String version = "";
    if (metadataText != null) {
      JsonNode meta = KerasJson.parse(metadataText, where + "!" + METADATA, "metadata JSON");
      version = meta.path("keras_version").asText("");
    }
    if (version.isEmpty()) {
      version = top.path("keras_version").asText("");
    }
    List<String> translations = new ArrayList<>();
    ObjectNode modelConfig = modelConfigOf(top, configWhere);
    boolean legacy = !version.isEmpty() && H5ModelReader.majorVersion(version) < 3;
    ObjectNode config = legacy ? Keras2Translator.translate(modelConfig, configWhere, translations)
        : ConfigNormalizer.normalize(modelConfig, configWhere);
    JsonNode compile = top.get("compile_config");
    if (compile != null && (compile.isNull() || (compile.isObject() && compile.isEmpty()))) {
      compile = null;
    }
    V3WeightStore store = new V3WeightStore(h5, where, version, translations);
    Map<String, List<NamedArray>> weights = store.layerWeights(config);
    Map<String, NpyArray> optimizer = store.optimizerVariables();
    return new ModelSpec(source, format, version, config, weights,
        compile == null ? null : compile.deepCopy(), optimizer, translations);
  }

  /** The model part of a config JSON: everything but {@code compile_config}. */
  private static ObjectNode modelConfigOf(JsonNode top, String where) {
    if (!top.isObject() || !top.path("class_name").isTextual()) {
      throw new InvalidInputException(where + ": not a Keras model config: expected a JSON"
          + " object with \"class_name\" and \"config\"");
    }
    ObjectNode m = ((ObjectNode) top).deepCopy();
    m.remove("compile_config");
    return m;
  }

  private static String readText(KerasArchive zip, String name, String where,
      boolean required, KerasArchive.Limits limits) throws IOException {
    ZipEntry e = zip.entry(name);
    if (e == null) {
      if (required) {
        throw new InvalidInputException(where + ": .keras archive has no " + name + " (entries: "
            + zip.entryNames(20) + "; expected config.json, metadata.json, model.weights.h5)");
      }
      return null;
    }
    if (e.getSize() > limits.maxJsonBytes()) {
      throw new InvalidInputException(where + ": entry " + name + " declares " + e.getSize()
          + " bytes, more than the " + limits.maxJsonBytes() + " a config may have");
    }
    return new String(zip.read(e, limits.maxJsonBytes()), StandardCharsets.UTF_8);
  }

  /**
   * {@code dir/name}, refused when it resolves (through symbolic links, its own or a parent's)
   * to a file outside {@code dir}: an unzipped model never makes KerasBridge read another file.
   */
  static Path inside(Path dir, String name) {
    Path p = dir.resolve(name).normalize();
    if (!Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return p;
    }
    try {
      Path root = dir.toRealPath();
      Path real = p.toRealPath();
      if (!real.startsWith(root)) {
        throw new InvalidInputException(dir + ": " + name + " resolves to " + real + ", outside"
            + " the model directory; refusing to follow a link out of an unzipped .keras");
      }
      return real;
    } catch (IOException e) {
      throw new InvalidInputException(dir + ": cannot resolve " + name + ": " + e, e);
    }
  }

  private static String readSmall(Path p) {
    try {
      byte[] b;
      try (java.io.InputStream in = Files.newInputStream(p)) {
        // bounded whatever the file claims to be (a FIFO or a device has no size)
        b = in.readNBytes((int) MAX_JSON_BYTES + 1);
      }
      if (b.length > MAX_JSON_BYTES) {
        throw new InvalidInputException(p + ": larger than " + MAX_JSON_BYTES
            + " bytes, too large for a model config");
      }
      return new String(b, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new InvalidInputException(p + ": cannot read the config JSON: " + e, e);
    }
  }

  private static KerasBridgeException missingWeights(String where, List<String> entries) {
    if (entries.contains("model.weights.npz")) {
      return new UnsupportedFeatureException(where + ": weights are stored as model.weights.npz"
          + " (weights_format=\"npz\"); only model.weights.h5 is supported");
    }
    return new InvalidInputException(where + ": no " + WEIGHTS + (entries.isEmpty() ? ""
        : " among the archive entries " + entries) + " (expected a Keras 3 model)");
  }
}
