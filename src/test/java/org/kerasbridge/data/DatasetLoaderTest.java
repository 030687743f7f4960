package org.kerasbridge.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kerasbridge.InvalidInputException;

/** Source order, Keras's cache, and the verified download, all offline. */
class DatasetLoaderTest {
  @TempDir
  Path tmp;

  private DatasetLoader mnist(Map<String, String> env) {
    return Mnist.loader().optEnvironment(env::get);
  }

  @Test
  void explicitDirectoryThenEnvironmentThenCache() throws IOException {
    Mnist.Data a = TestData.tiny();
    Mnist.Data b = new Mnist.Data(TestData.images(2, 9), TestData.labels(2, 0),
        TestData.images(1, 8), TestData.labels(1, 0));
    Mnist.Data c = new Mnist.Data(TestData.images(4, 5), TestData.labels(4, 1),
        TestData.images(2, 4), TestData.labels(2, 2));
    Path dirA = tmp.resolve("a");
    Path dirB = tmp.resolve("b");
    TestData.writeIdx(dirA, a, true);
    TestData.writeIdx(dirB, b, false);
    Path home = tmp.resolve("keras");
    TestData.writeKerasNpz(home.resolve("datasets/mnist.npz"), c);
    Map<String, String> env = Map.of("MNIST_DIR", dirB.toString(), "KERAS_HOME", home.toString());

    assertEquals(a, mnist(env).optDirectory(dirA).load());
    assertEquals(b, mnist(env).load());
    assertEquals(c, mnist(Map.of("KERAS_HOME", home.toString())).load());
    assertEquals(home.resolve("datasets/mnist.npz"),
        mnist(Map.of("KERAS_HOME", home.toString())).cachePath());
  }

  @Test
  void aBadEnvironmentDirectoryIsReportedNotSkipped() {
    Path missing = tmp.resolve("nowhere");
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> mnist(Map.of("MNIST_DIR", missing.toString())).load());
    assertTrue(e.getMessage().startsWith("$MNIST_DIR=" + missing + ": " + missing
        + ": not a directory"), e.getMessage());
  }

  @Test
  void aCorruptCacheFileSaysToDeleteIt() throws IOException {
    Path npz = tmp.resolve("datasets/mnist.npz");
    Files.createDirectories(npz.getParent());
    Files.write(npz, new byte[] {'P', 'K', 3, 4, 1, 2});
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> mnist(Map.of()).optKerasHome(tmp).load());
    assertTrue(e.getMessage().startsWith(npz.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("delete " + npz + " to download a fresh copy"),
        e.getMessage());
  }

  @Test
  void downloadGoesThroughATemporaryFileAndIsVerified() throws IOException {
    Mnist.Data data = TestData.tiny();
    Path mirror = tmp.resolve("mirror");
    TestData.writeKerasNpz(mirror.resolve("mnist.npz"), data);
    String sha = Download.sha256(mirror.resolve("mnist.npz"));
    Path home = tmp.resolve("home");

    Mnist.Data got = mnist(Map.of()).optKerasHome(home).optOrigin(mirror.toUri())
        .optSha256("mnist.npz", sha).load();
    assertEquals(data, got);
    Path cached = home.resolve("datasets/mnist.npz");
    assertEquals(sha, Download.sha256(cached));
    assertEquals(List.of(cached), list(home.resolve("datasets")), "no temporary file left");
    // Now served from the cache: a broken origin is not consulted.
    assertEquals(data, mnist(Map.of()).optKerasHome(home).optOrigin(URI.create("http://127.0.0.1:1/"))
        .load());
  }

  @Test
  void aCorruptDownloadIsRejectedAndLeavesNoFile() throws IOException {
    Path mirror = tmp.resolve("mirror");
    TestData.writeKerasNpz(mirror.resolve("mnist.npz"), TestData.tiny());
    Path home = tmp.resolve("home");
    // The default sha256 is that of Keras's real mnist.npz, which this file is not.
    DatasetUnavailableException e = assertThrows(DatasetUnavailableException.class,
        () -> mnist(Map.of()).optKerasHome(home).optOrigin(mirror.toUri()).load());
    assertTrue(e.getMessage().contains("have sha256 "), e.getMessage());
    assertTrue(e.getMessage().contains(
        "expected 731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"),
        e.getMessage());
    assertTrue(e.getMessage().contains("the download was discarded"), e.getMessage());
    assertEquals(List.of(), list(home.resolve("datasets")), "neither the file nor a temp file");
  }

  @Test
  void whenNothingWorksTheErrorSaysWhereItLookedAndWhatToDo() {
    Path home = tmp.resolve("home");
    URI unreachable = URI.create("http://127.0.0.1:1/tf-keras-datasets/");
    DatasetUnavailableException e = assertThrows(DatasetUnavailableException.class,
        () -> mnist(Map.of("KERAS_HOME", home.toString())).optOrigin(unreachable).load());
    String m = e.getMessage();
    assertTrue(m.startsWith("MNIST is not available. Looked: no directory option; $MNIST_DIR not"
        + " set; no file " + home.resolve("datasets/mnist.npz") + "; download of "
        + unreachable + "mnist.npz failed ("), m);
    assertTrue(m.contains("To provide it, set MNIST_DIR (or pass a directory) to a directory"
        + " holding train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz,"
        + " t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz"), m);
    assertTrue(m.contains("or put Keras's mnist.npz (sha256 731c5ac6"), m);
    assertTrue(m.contains(home.resolve("datasets/mnist.npz").toString()), m);
    assertEquals(List.of(), list(home.resolve("datasets")));
  }

  @Test
  void theDefaultSourceFailsCleanlyOffline() {
    // Keras's real URL: these machines have no network, so this must fail with the full message
    // rather than hang or leave files behind. With network access it downloads and verifies.
    Path home = tmp.resolve("home");
    try {
      Mnist.Data d = mnist(Map.of()).optKerasHome(home).load();
      assertEquals(60000, d.xTrain().shape()[0]);
    } catch (DatasetUnavailableException e) {
      assertTrue(e.getMessage().contains("download of "
          + "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz failed"),
          e.getMessage());
      assertEquals(List.of(), list(home.resolve("datasets")));
    }
  }

  @Test
  void downloadCanBeSwitchedOff() {
    DatasetUnavailableException e = assertThrows(DatasetUnavailableException.class,
        () -> mnist(Map.of()).optKerasHome(tmp).optDownload(false).load());
    assertTrue(e.getMessage().contains("; downloading disabled."), e.getMessage());
  }

  @Test
  void fashionMnistDownloadsItsFourFilesIntoItsCacheDirectory() throws IOException {
    Path shared = TestData.sharedOrSkip(Dataset.FASHION_MNIST);
    Path home = tmp.resolve("home");
    DatasetLoader loader = FashionMnist.loader().optEnvironment(k -> null).optKerasHome(home)
        .optOrigin(shared.toUri());
    // The default sha256 values are those of the published files, which the shared copies are.
    Mnist.Data d = loader.load();
    assertEquals(FashionMnist.load(shared), d);
    Path cache = home.resolve("datasets/fashion-mnist");
    assertEquals(cache, loader.cachePath());
    assertEquals(4, list(cache).size());
    for (Map.Entry<String, String> f : Dataset.FASHION_MNIST.remoteSha256().entrySet()) {
      assertEquals(f.getValue(), Download.sha256(cache.resolve(f.getKey())), f.getKey());
    }
  }

  @Test
  void fashionMnistDownloadsOnlyWhatTheCacheLacks() throws IOException {
    Mnist.Data data = TestData.tiny();
    Path mirror = tmp.resolve("mirror");
    TestData.writeIdx(mirror, data, true);
    Path cache = tmp.resolve("home/datasets/fashion-mnist");
    Files.createDirectories(cache);
    Files.copy(mirror.resolve("train-images-idx3-ubyte.gz"),
        cache.resolve("train-images-idx3-ubyte.gz"));
    Files.delete(mirror.resolve("train-images-idx3-ubyte.gz"));
    DatasetLoader loader = FashionMnist.loader().optEnvironment(k -> null)
        .optKerasHome(tmp.resolve("home")).optOrigin(mirror.toUri());
    for (String f : List.of("train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz",
        "t10k-labels-idx1-ubyte.gz")) {
      loader.optSha256(f, Download.sha256(mirror.resolve(f)));
    }
    assertEquals(data, loader.load());
    assertEquals(4, list(cache).size());
    assertFalse(list(cache).stream().anyMatch(p -> p.getFileName().toString().endsWith(".tmp")));
  }

  private static List<Path> list(Path dir) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.sorted().toList();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
