package org.kerasbridge.data;

import java.nio.file.Path;
import java.util.List;

/**
 * Fashion-MNIST (Zalando), as {@code keras.datasets.fashion_mnist.load_data()} returns it: the
 * same shapes and dtypes as {@link Mnist}, with ten clothing classes ({@link #CLASS_NAMES}).
 *
 * <p>{@link #load()} looks in {@code $FASHION_MNIST_DIR}, then Keras's cache directory {@code
 * $KERAS_HOME/datasets/fashion-mnist/}, then downloads the four files there.
 */
public final class FashionMnist {
  /** Label {@code i} names class {@code CLASS_NAMES.get(i)}: T-shirt/top, Trouser, ... */
  public static final List<String> CLASS_NAMES = Dataset.FASHION_MNIST.classNames();

  private FashionMnist() {}

  public static Mnist.Data load() {
    return loader().load();
  }

  /** Loads Fashion-MNIST from a directory holding the four IDX files. */
  public static Mnist.Data load(Path idxDirectory) {
    return loader().optDirectory(idxDirectory).load();
  }

  public static DatasetLoader loader() {
    return new DatasetLoader(Dataset.FASHION_MNIST);
  }
}
