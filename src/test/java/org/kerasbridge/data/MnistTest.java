package org.kerasbridge.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kerasbridge.InvalidInputException;
import org.kerasbridge.ndarray.DType;
import org.kerasbridge.ndarray.NpyArray;
import org.kerasbridge.ndarray.Npz;

class MnistTest {
  @TempDir
  Path tmp;

  @Test
  void realMnistMatchesKerasShapesAndKnownValues() {
    Path dir = TestData.sharedOrSkip(Dataset.MNIST);
    Mnist.Data d = Mnist.load(dir);
    assertArrayEquals(new long[] {60000, 28, 28}, d.xTrain().shape());
    assertArrayEquals(new long[] {60000}, d.yTrain().shape());
    assertArrayEquals(new long[] {10000, 28, 28}, d.xTest().shape());
    assertArrayEquals(new long[] {10000}, d.yTest().shape());
    for (NpyArray a : List.of(d.xTrain(), d.yTrain(), d.xTest(), d.yTest())) {
      assertEquals(DType.UINT8, a.dtype());
    }
    // Values numpy reads from the same files (python-reference venv).
    assertArrayEquals(new byte[] {5, 0, 4, 1, 9, 2, 1, 3, 1, 4}, head(d.yTrain(), 10));
    assertArrayEquals(new byte[] {7, 2, 1, 0, 4, 1, 4, 9, 5, 9}, head(d.yTest(), 10));
    assertEquals(1567298545L, sum(d.xTrain()));
    assertEquals(264923200L, sum(d.xTest()));
    assertArrayEquals(new long[] {5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949},
        bincount(d.yTrain()));
    assertEquals(240, Byte.toUnsignedInt(d.xTrain().data().get(14 * 28 + 14)));
  }

  @Test
  void idxReaderAndKerasNpzReaderGiveIdenticalArrays() {
    Path dir = TestData.sharedOrSkip(Dataset.MNIST);
    Mnist.Data fromIdx = Mnist.readIdxDirectory(dir);
    Path npz = tmp.resolve("keras_home/datasets/mnist.npz");
    TestData.writeKerasNpz(npz, fromIdx);
    assertEquals(List.of("x_test", "x_train", "y_train", "y_test"),
        List.copyOf(Npz.read(npz).keySet()));
    Mnist.Data fromNpz = Mnist.readNpz(npz);
    assertEquals(fromIdx, fromNpz);
    Mnist.Data viaCache = Mnist.loader().optEnvironment(k -> null)
        .optKerasHome(tmp.resolve("keras_home")).optDownload(false).load();
    assertEquals(fromIdx, viaCache);
  }

  @Test
  void readsANumpyWrittenCompressedNpz() throws IOException {
    Path npz = tmp.resolve("mnist.npz");
    Files.write(npz, Base64.getDecoder().decode(NpzFixture.BASE64));
    Mnist.Data d = Mnist.readNpz(npz);
    assertArrayEquals(new long[] {3, 28, 28}, d.xTrain().shape());
    assertArrayEquals(new long[] {2, 28, 28}, d.xTest().shape());
    assertArrayEquals(new byte[] {5, 0, 9}, head(d.yTrain(), 3));
    assertArrayEquals(new byte[] {7, 2}, head(d.yTest(), 2));
    ByteBuffer x = d.xTrain().data();
    for (int i = 0; i < 3 * 784; i++) {
      assertEquals(i % 256, Byte.toUnsignedInt(x.get(i)));
    }
    ByteBuffer t = d.xTest().data();
    for (int i = 0; i < 2 * 784; i++) {
      assertEquals(i * 7 % 256, Byte.toUnsignedInt(t.get(i)));
    }
  }

  @Test
  void idxDirectoryAcceptsUncompressedAndDottedNames() throws IOException {
    Mnist.Data tiny = TestData.tiny();
    Path plain = tmp.resolve("plain");
    TestData.writeIdx(plain, tiny, false);
    assertEquals(tiny, Mnist.load(plain));
    Path dotted = tmp.resolve("dotted");
    TestData.writeIdx(dotted, tiny, false);
    try (var s = Files.list(dotted)) {
      for (Path p : s.toList()) {
        Files.move(p, p.resolveSibling(p.getFileName().toString().replace("-idx", ".idx")));
      }
    }
    assertEquals(tiny, Mnist.load(dotted));
  }

  @Test
  void datasetErrorsNameTheFile() throws IOException {
    Mnist.Data tiny = TestData.tiny();
    Path dir = tmp.resolve("bad");
    TestData.writeIdx(dir, tiny, true);

    Path trainLabels = dir.resolve("train-labels-idx1-ubyte.gz");
    byte[] bad = TestData.idxBytes(TestData.labels(5, 0));
    bad[bad.length - 1] = 10;
    Files.write(trainLabels, TestData.gzip(bad));
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> Mnist.load(dir));
    assertEquals(trainLabels + ": label 10 at index 4 is outside 0..9", e.getMessage());

    Files.write(trainLabels, TestData.gzip(TestData.idxBytes(TestData.labels(4, 0))));
    e = assertThrows(InvalidInputException.class, () -> Mnist.load(dir));
    assertTrue(e.getMessage().contains(trainLabels + ": holds 4 labels but "
        + dir.resolve("train-images-idx3-ubyte.gz") + " holds 5 images"), e.getMessage());

    Files.write(trainLabels, TestData.gzip(TestData.idxBytes(TestData.labels(5, 0))));
    Path testImages = dir.resolve("t10k-images-idx3-ubyte.gz");
    Files.write(testImages, TestData.gzip(TestData.idxBytes(
        NpyArray.ofBytes(new long[] {3, 32, 32}, new byte[3 * 32 * 32]))));
    e = assertThrows(InvalidInputException.class, () -> Mnist.load(dir));
    assertTrue(e.getMessage().startsWith(testImages + ": expected uint8 images of shape"
        + " (N, 28, 28), got uint8[3, 32, 32]"), e.getMessage());

    Files.delete(testImages);
    e = assertThrows(InvalidInputException.class, () -> Mnist.load(dir));
    assertTrue(e.getMessage().startsWith(dir + ": no t10k-images-idx3-ubyte.gz (also tried"),
        e.getMessage());
  }

  @Test
  void npzWithoutKerasKeysIsRejected() {
    Path npz = tmp.resolve("other.npz");
    Npz.write(npz, Map.of("x", NpyArray.ofBytes(new long[] {1}, (byte) 1)));
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> Mnist.readNpz(npz));
    assertTrue(e.getMessage().startsWith(npz + ": no array 'x_train'"), e.getMessage());
  }

  @Test
  void headTakesTheFirstRows() {
    Mnist.Data d = TestData.tiny().head(2, 1);
    assertArrayEquals(new long[] {2, 28, 28}, d.xTrain().shape());
    assertArrayEquals(new long[] {1}, d.yTest().shape());
    assertEquals(TestData.tiny().xTrain().sliceRows(0, 2), d.xTrain());
  }

  static byte[] head(NpyArray a, int n) {
    byte[] b = new byte[n];
    a.data().get(b);
    return b;
  }

  static long sum(NpyArray a) {
    ByteBuffer b = a.data();
    long s = 0;
    while (b.hasRemaining()) {
      s += Byte.toUnsignedInt(b.get());
    }
    return s;
  }

  static long[] bincount(NpyArray labels) {
    long[] c = new long[10];
    ByteBuffer b = labels.data();
    while (b.hasRemaining()) {
      c[b.get()]++;
    }
    return c;
  }
}
