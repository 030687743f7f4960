package org.kerasbridge;

import java.nio.file.Files;
import java.nio.file.Path;
import org.kerasbridge.graph.Device;
import org.kerasbridge.io.savedmodel.SavedModel;
import org.kerasbridge.io.ModelFiles;
import org.kerasbridge.model.InferenceModel;
import org.kerasbridge.model.KerasModel;

/** The one entry point that loads a model file of any supported format. */
public final class KerasBridge {
  static {
    org.kerasbridge.graph.NativeLogging.configure(); // before any TensorFlow native loads
  }

  private KerasBridge() {}

  /** Loads {@code path} on CPU. */
  public static InferenceModel load(Path path) {
    return load(path, Device.CPU);
  }

  /**
   * Loads a model, choosing the reader by what {@code path} holds: a directory with
   * {@code saved_model.pb} is a TensorFlow SavedModel; a {@code .keras} archive (or unzipped
   * directory) or a Keras 1/2/3 HDF5 file is a Keras model ({@link #loadKeras}).
   *
   * @throws InvalidInputException when the path is missing or not a model
   * @throws UnsupportedFeatureException for a format this build cannot read
   */
  public static InferenceModel load(Path path, Device device) {
    if (!Files.exists(path)) {
      throw new InvalidInputException(path + ": no such file or directory");
    }
    if (SavedModel.isSavedModel(path)) {
      return SavedModel.load(path, device, SavedModel.DEFAULT_SIGNATURE);
    }
    return loadKeras(path, device);
  }

  /**
   * Loads a Keras model ({@code .keras}, legacy {@code .h5} of Keras 1, 2 or 3, or an unzipped
   * {@code .keras} directory) with its weights, ready to predict, summarize, train and export.
   */
  public static KerasModel loadKeras(Path path, Device device) {
    return KerasModel.fromSpec(ModelFiles.read(path), device);
  }

  /** Loads Keras 3 weights ({@code .weights.h5}) into the architecture of a config JSON. */
  public static KerasModel loadKeras(Path weights, Path configJson, Device device) {
    return KerasModel.fromSpec(ModelFiles.read(weights, configJson), device);
  }
}
