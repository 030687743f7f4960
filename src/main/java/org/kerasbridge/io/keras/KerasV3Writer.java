package org.kerasbridge.io.keras;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.kerasbridge.io.AtomicFiles;
import org.kerasbridge.io.KerasJson;
import org.kerasbridge.io.ModelSpec.NamedArray;
import org.kerasbridge.io.h5.Hdf5Writer;
import org.kerasbridge.ndarray.NpyArray;

/**
 * Writes a Keras 3 {@code .keras} archive as Keras 3.15's {@code saving_lib.save_model} does: a
 * zip with stored (uncompressed) entries {@code metadata.json} ({@code keras_version},
 * {@code date_saved}), {@code config.json} (the serialized model, with {@code compile_config} when
 * compiled) and {@code model.weights.h5}.
 *
 * <p>{@code model.weights.h5} layout (see {@link V3WeightLayout}): {@code layers/<snake_case class
 * name, made unique in container order>/vars/<i>} for each layer's own variables, children by
 * attribute ({@code cell}, {@code forward_layer}, {@code layers/...} of a nested model); a
 * {@code vars} group with a {@code name} attribute on every object, the top-level {@code vars}
 * named after the model; {@code optimizer/vars/<i>} with the optimizer's variables in
 * {@code optimizer.variables} order ({@code iteration} int64, {@code learning_rate}, slots) when
 * compiled. {@code keras.models.load_model(path, safe_mode=True)} loads it.
 */
public final class KerasV3Writer {
  private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern(
      "yyyy-MM-dd@HH:mm:ss");

  private KerasV3Writer() {}

  /** Writes {@code export} to {@code out} atomically; refuses an existing file unless asked. */
  public static void write(KerasExport export, Path out, boolean overwrite) {
    AtomicFiles.writeFile(out, overwrite, tmp -> writeTo(export, tmp));
  }

  /** Writes the archive to {@code file} (not atomically: {@link #write} wraps this). */
  static void writeTo(KerasExport export, Path file) throws IOException {
    // beside the (temporary) archive, named after it: AtomicFiles recognizes both if killed
    Path weights = Files.createFile(file.toAbsolutePath().resolveSibling(file.getFileName()
        + ".weights.h5"));
    try {
      weightsFile(export).write(weights);
      ObjectNode meta = KerasJson.nodes().objectNode();
      meta.put("keras_version", KerasExport.KERAS_VERSION);
      meta.put("date_saved", LocalDateTime.now().format(DATE));
      String v = KerasV3Writer.class.getPackage().getImplementationVersion();
      meta.put("exported_by", "KerasBridge " + (v == null ? "(development build)" : v));
      try (OutputStream os = Files.newOutputStream(file);
          ZipOutputStream zip = new ZipOutputStream(os)) {
        stored(zip, KerasV3Reader.METADATA, KerasJson.write(meta).getBytes(
            StandardCharsets.UTF_8));
        stored(zip, KerasV3Reader.CONFIG, KerasJson.write(export.configJson()).getBytes(
            StandardCharsets.UTF_8));
        storedFile(zip, KerasV3Reader.WEIGHTS, weights);
      }
    } finally {
      Files.deleteIfExists(weights);
    }
  }

  /** The {@code model.weights.h5} content. */
  static Hdf5Writer weightsFile(KerasExport export) {
    Hdf5Writer h5 = new Hdf5Writer();
    Hdf5Writer.Group root = h5.root();
    List<V3WeightLayout.Node> layout = export.layout();
    if (!layout.isEmpty()) {
      root.group("layers");
    }
    for (V3WeightLayout.Node n : V3WeightLayout.flatten(layout)) {
      Hdf5Writer.Group vars = root.groupPath(n.path()).group("vars");
      vars.attribute("name", n.name());
      List<NamedArray> ws = export.weights().getOrDefault(n.layer(), List.of());
      for (int i = 0; i < n.own().size(); i++) {
        if (n.own().get(i) >= ws.size()) {
          throw new org.kerasbridge.KerasBridgeException(export.where() + ": layer '"
              + n.layer() + "' has " + ws.size() + " weight value(s); its weights file layout"
              + " needs weight " + n.own().get(i));
        }
        vars.dataset(Integer.toString(i), ws.get(n.own().get(i)).array());
      }
    }
    if (export.compileConfig() != null) {
      Hdf5Writer.Group opt = root.groupPath("optimizer/vars");
      opt.attribute("name", export.optimizerName() == null ? "optimizer"
          : export.optimizerName());
      List<NpyArray> vs = export.optimizerVariables();
      for (int i = 0; i < vs.size(); i++) {
        opt.dataset(Integer.toString(i), vs.get(i));
      }
    }
    root.group("vars").attribute("name", export.modelName());
    return h5;
  }

  private static void stored(ZipOutputStream zip, String name, byte[] data) throws IOException {
    CRC32 crc = new CRC32();
    crc.update(data);
    ZipEntry e = new ZipEntry(name);
    e.setMethod(ZipEntry.STORED);
    e.setSize(data.length);
    e.setCompressedSize(data.length);
    e.setCrc(crc.getValue());
    zip.putNextEntry(e);
    zip.write(data);
    zip.closeEntry();
  }

  private static void storedFile(ZipOutputStream zip, String name, Path file)
      throws IOException {
    CRC32 crc = new CRC32();
    byte[] buf = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(file)) {
      for (int n; (n = in.read(buf)) > 0; ) {
        crc.update(buf, 0, n);
      }
    }
    long size = Files.size(file);
    ZipEntry e = new ZipEntry(name);
    e.setMethod(ZipEntry.STORED);
    e.setSize(size);
    e.setCompressedSize(size);
    e.setCrc(crc.getValue());
    zip.putNextEntry(e);
    Files.copy(file, zip);
    zip.closeEntry();
  }
}
