package org.kerasbridge.data;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.kerasbridge.ndarray.NpyArray;
import org.kerasbridge.ndarray.Npz;

/** Shared data lookup and small synthetic MNIST-shaped datasets for the data tests. */
final class TestData {
  private TestData() {}

  /**
   * The real dataset directory: {@code $MNIST_DIR} (or {@code $FASHION_MNIST_DIR}), else
   * {@code <repo>/../shared/data/<name>}. Skips the calling test, visibly, when it is absent.
   */
  static Path sharedOrSkip(Dataset d) {
    String env = System.getenv(d.envVar());
    Path dir = env != null && !env.isBlank() ? Paths.get(env)
        : Paths.get("..", "shared", "data", d == Dataset.MNIST ? "mnist" : "fashion-mnist")
            .toAbsolutePath().normalize();
    boolean present = Files.isRegularFile(dir.resolve(Dataset.IDX_FILES.get(0)));
    if (!present) {
      System.err.println("SKIPPED: " + d.displayName() + " files not found in " + dir + " (set "
          + d.envVar() + " to run the tests on the real data)");
    }
    assumeTrue(present, d.displayName() + " files not found in " + dir + "; set " + d.envVar());
    return dir;
  }

  /** {@code n} images of 28x28 with distinct contents, and labels cycling through 0..9. */
  static NpyArray images(int n, int seed) {
    byte[] b = new byte[n * 784];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) (i * 31 + seed * 17 + (i / 784) * 5);
    }
    return NpyArray.ofBytes(new long[] {n, 28, 28}, b);
  }

  static NpyArray labels(int n, int offset) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) ((i + offset) % 10);
    }
    return NpyArray.ofBytes(new long[] {n}, b);
  }

  static Mnist.Data tiny() {
    return new Mnist.Data(images(5, 1), labels(5, 3), images(3, 2), labels(3, 7));
  }

  /** Writes data as the four IDX files, gzip-compressed or not, under their usual names. */
  static void writeIdx(Path dir, Mnist.Data data, boolean gzip) throws IOException {
    Files.createDirectories(dir);
    NpyArray[] arrays = {data.xTrain(), data.yTrain(), data.xTest(), data.yTest()};
    for (int i = 0; i < 4; i++) {
      String name = Dataset.IDX_FILES.get(i);
      if (!gzip) {
        name = name.substring(0, name.length() - 3);
      }
      Files.write(dir.resolve(name), idxBytes(arrays[i]));
      if (gzip) {
        Files.write(dir.resolve(name), gzip(Files.readAllBytes(dir.resolve(name))));
      }
    }
  }

  /** One IDX file: header for a uint8 array of rank 1 or 3, then the bytes. */
  static byte[] idxBytes(NpyArray a) {
    long[] s = a.shape();
    ByteBuffer b = ByteBuffer.allocate(4 + 4 * s.length + (int) a.size());
    b.putInt(s.length == 3 ? Idx.IMAGES_MAGIC : Idx.LABELS_MAGIC);
    for (long d : s) {
      b.putInt((int) d);
    }
    b.put(a.data());
    return b.array();
  }

  static byte[] gzip(byte[] raw) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (OutputStream gz = new GZIPOutputStream(out)) {
      gz.write(raw);
    }
    return out.toByteArray();
  }

  /** Writes data as Keras's mnist.npz: uint8 arrays in the order x_test, x_train, y_train, y_test. */
  static void writeKerasNpz(Path file, Mnist.Data data) {
    Map<String, NpyArray> m = new LinkedHashMap<>();
    m.put("x_test", data.xTest());
    m.put("x_train", data.xTrain());
    m.put("y_train", data.yTrain());
    m.put("y_test", data.yTest());
    Npz.write(file, m);
  }
}
