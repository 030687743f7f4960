package org.kerasbridge.data;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.kerasbridge.InvalidInputException;
import org.kerasbridge.ndarray.DType;
import org.kerasbridge.ndarray.NpyArray;
import org.kerasbridge.ndarray.Npz;

/**
 * MNIST handwritten digits, as {@code keras.datasets.mnist.load_data()} returns them: images
 * uint8 {@code (N, 28, 28)} with values 0..255 and labels uint8 {@code (N,)} with values 0..9,
 * N = 60000 for training and 10000 for test with the published files.
 *
 * <p>{@link #load()} looks in {@code $MNIST_DIR}, then Keras's cache, then downloads (see {@link
 * DatasetLoader}); {@link #loader()} sets those places explicitly.
 */
public final class Mnist {
  /** The four arrays of {@code (x_train, y_train), (x_test, y_test)}. */
  public record Data(NpyArray xTrain, NpyArray yTrain, NpyArray xTest, NpyArray yTest) {
    /** The first {@code nTrain} training and {@code nTest} test examples (shares the bytes). */
    public Data head(int nTrain, int nTest) {
      return new Data(Preprocess.head(xTrain, nTrain), Preprocess.head(yTrain, nTrain),
          Preprocess.head(xTest, nTest), Preprocess.head(yTest, nTest));
    }
  }

  static final int SIDE = 28;
  static final int CLASSES = 10;

  private Mnist() {}

  /** Loads MNIST from {@code $MNIST_DIR}, Keras's cache, or Keras's download source. */
  public static Data load() {
    return loader().load();
  }

  /** Loads MNIST from a directory holding the four IDX files. */
  public static Data load(Path idxDirectory) {
    return loader().optDirectory(idxDirectory).load();
  }

  /** A loader for MNIST whose sources can be set one by one. */
  public static DatasetLoader loader() {
    return new DatasetLoader(Dataset.MNIST);
  }

  /**
   * Reads the four IDX files in {@code dir}: {@code train-images-idx3-ubyte.gz} and so on (see
   * {@link Dataset#IDX_FILES}), or the same names without {@code .gz}, or with a dot before
   * {@code idx} ({@code train-images.idx3-ubyte}) as some archives unpack them.
   */
  public static Data readIdxDirectory(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new InvalidInputException(dir + ": not a directory (expected one holding "
          + String.join(", ", Dataset.IDX_FILES) + ")");
    }
    Path[] files = new Path[4];
    for (int i = 0; i < 4; i++) {
      files[i] = findIdx(dir, Dataset.IDX_FILES.get(i));
    }
    NpyArray xTrain = Idx.readImages(files[0]);
    NpyArray yTrain = Idx.readLabels(files[1]);
    NpyArray xTest = Idx.readImages(files[2]);
    NpyArray yTest = Idx.readLabels(files[3]);
    checkPair(xTrain, yTrain, files[0].toString(), files[1].toString());
    checkPair(xTest, yTest, files[2].toString(), files[3].toString());
    return new Data(xTrain, yTrain, xTest, yTest);
  }

  /**
   * Reads Keras's {@code mnist.npz}: uint8 arrays under the keys {@code x_train}, {@code
   * y_train}, {@code x_test} and {@code y_test} (stored in the order x_test, x_train, y_train,
   * y_test; the order does not matter here).
   */
  public static Data readNpz(Path file) {
    Map<String, NpyArray> arrays = Npz.read(file);
    NpyArray[] a = new NpyArray[4];
    String[] keys = {"x_train", "y_train", "x_test", "y_test"};
    for (int i = 0; i < 4; i++) {
      a[i] = arrays.get(keys[i]);
      if (a[i] == null) {
        throw new InvalidInputException(file + ": no array '" + keys[i] + "' (it holds "
            + arrays.keySet() + "; Keras's mnist.npz holds x_train, y_train, x_test, y_test)");
      }
    }
    checkPair(a[0], a[1], file + "[x_train]", file + "[y_train]");
    checkPair(a[2], a[3], file + "[x_test]", file + "[y_test]");
    return new Data(a[0], a[1], a[2], a[3]);
  }

  static Path findIdx(Path dir, String gzName) {
    String plain = gzName.substring(0, gzName.length() - 3);
    String dotted = plain.replace("-idx", ".idx");
    List<String> tried = new ArrayList<>();
    for (String name : new String[] {gzName, plain, dotted, dotted + ".gz"}) {
      Path p = dir.resolve(name);
      if (Files.isRegularFile(p)) {
        return p;
      }
      tried.add(name);
    }
    throw new InvalidInputException(dir + ": no " + gzName + " (also tried "
        + String.join(", ", tried.subList(1, tried.size())) + ")");
  }

  /** Checks images (N, 28, 28) and labels (N,) of uint8 with labels in 0..9. */
  static void checkPair(NpyArray images, NpyArray labels, String imageSource,
      String labelSource) {
    long[] s = images.shape();
    if (images.dtype() != DType.UINT8 || s.length != 3 || s[1] != SIDE || s[2] != SIDE) {
      throw new InvalidInputException(imageSource + ": expected uint8 images of shape (N, 28, 28),"
          + " got " + images);
    }
    if (labels.dtype() != DType.UINT8 || labels.rank() != 1) {
      throw new InvalidInputException(labelSource + ": expected uint8 labels of shape (N,), got "
          + labels);
    }
    if (labels.shape()[0] != s[0]) {
      throw new InvalidInputException(labelSource + ": holds " + labels.shape()[0]
          + " labels but " + imageSource + " holds " + s[0] + " images");
    }
    ByteBuffer b = labels.data();
    for (int i = 0; b.hasRemaining(); i++) {
      int v = Byte.toUnsignedInt(b.get());
      if (v >= CLASSES) {
        throw new InvalidInputException(labelSource + ": label " + v + " at index " + i
            + " is outside 0..9");
      }
    }
  }
}
