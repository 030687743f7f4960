package org.kerasbridge;

import java.nio.file.Files;
import java.nio.file.Path;
import org.kerasbridge.graph.Device;
import org.kerasbridge.io.savedmodel.SavedModel;
import org.kerasbridge.model.InferenceModel;

/** The one entry point that loads a model file of any supported format. */
public final class KerasBridge {
  private KerasBridge() {}

  /** Loads {@code path} on CPU. */
  public static InferenceModel load(Path path) {
    return load(path, Device.CPU);
  }

  /**
   * Loads a model, choosing the reader by what {@code path} is: a directory holding
   * {@code saved_model.pb} is a TensorFlow SavedModel.
   *
   * @throws InvalidInputException when the path is missing or not a model
   * @throws UnsupportedFeatureException for a format this build cannot read
   */
  public static InferenceModel load(Path path, Device device) {
    if (!Files.exists(path)) {
      throw new InvalidInputException(path + ": no such file or directory");
    }
    if (Files.isDirectory(path)) {
      return SavedModel.load(path, device, SavedModel.DEFAULT_SIGNATURE);
    }
    String name = path.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
    if (name.endsWith(".keras") || name.endsWith(".h5") || name.endsWith(".hdf5")) {
      throw new UnsupportedFeatureException(path + ": reading Keras " + name.substring(
          name.lastIndexOf('.')) + " files is not implemented in this build yet; export the"
          + " model as a SavedModel (model.export(dir)) and load that directory");
    }
    throw new InvalidInputException(path + ": not a model: expected a .keras or .h5 file or a"
        + " SavedModel directory");
  }
}
