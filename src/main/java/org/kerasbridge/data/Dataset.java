package org.kerasbridge.data;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The 28x28 grayscale datasets Keras ships loaders for, with where Keras caches and downloads
 * them (keras/src/datasets/mnist.py and fashion_mnist.py).
 *
 * <p>Keras verifies {@code mnist.npz} against the sha256 below. It passes no hash for the
 * Fashion-MNIST files; we verify them anyway, against the sha256 of the files Zalando published
 * (whose md5 matches the one in Zalando's README).
 */
public enum Dataset {
  MNIST("MNIST", "MNIST_DIR", "mnist.npz",
      Map.of("mnist.npz", "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"),
      List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9")),
  FASHION_MNIST("Fashion-MNIST", "FASHION_MNIST_DIR", "fashion-mnist",
      orderedMap(
          "train-labels-idx1-ubyte.gz",
          "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845",
          "train-images-idx3-ubyte.gz",
          "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84",
          "t10k-labels-idx1-ubyte.gz",
          "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5",
          "t10k-images-idx3-ubyte.gz",
          "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073"),
      List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
          "Sneaker", "Bag", "Ankle boot"));

  /** The folder Keras downloads both datasets from. */
  public static final URI KERAS_ORIGIN =
      URI.create("https://storage.googleapis.com/tensorflow/tf-keras-datasets/");

  /** The four IDX files of a dataset directory, by their usual gzip-compressed names. */
  public static final List<String> IDX_FILES = List.of("train-images-idx3-ubyte.gz",
      "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz");

  private final String displayName;
  private final String envVar;
  private final String cacheEntry;
  private final Map<String, String> remoteSha256;
  private final List<String> classNames;

  Dataset(String displayName, String envVar, String cacheEntry, Map<String, String> remoteSha256,
      List<String> classNames) {
    this.displayName = displayName;
    this.envVar = envVar;
    this.cacheEntry = cacheEntry;
    this.remoteSha256 = remoteSha256;
    this.classNames = classNames;
  }

  public String displayName() {
    return displayName;
  }

  /** The environment variable naming a directory of the four IDX files. */
  public String envVar() {
    return envVar;
  }

  /**
   * What Keras keeps under {@code $KERAS_HOME/datasets}: the file {@code mnist.npz} for MNIST,
   * the directory {@code fashion-mnist} of four {@code .gz} IDX files for Fashion-MNIST.
   */
  public String cacheEntry() {
    return cacheEntry;
  }

  /** Whether the Keras cache holds one {@code .npz} (MNIST) rather than a directory of IDX files. */
  public boolean cachedAsNpz() {
    return cacheEntry.endsWith(".npz");
  }

  /** The files Keras downloads from {@link #KERAS_ORIGIN}, with their sha256, in download order. */
  public Map<String, String> remoteSha256() {
    return remoteSha256;
  }

  /** Label {@code i} means {@code classNames().get(i)}. */
  public List<String> classNames() {
    return classNames;
  }

  private static Map<String, String> orderedMap(String... keyValues) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      m.put(keyValues[i], keyValues[i + 1]);
    }
    return java.util.Collections.unmodifiableMap(m);
  }
}
