package org.kerasbridge.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kerasbridge.ndarray.NpyArray;

/** The per-JVM model cache without Spark: one load per key under concurrency, closing, keys. */
class ModelCacheTest {
  @TempDir
  Path tmp;

  @Test
  void concurrentTasksShareOneLoadAndPredictSafely() throws Exception {
    String cnn = KerasModelTransformerTest.CNN;
    Configuration conf = new Configuration();
    String sum = ModelCache.checksum(cnn, conf);
    ModelCache.closeAll();
    int before = ModelCache.loadCount();
    NpyArray x = KerasModelTransformerTest.randomImages(8, 11);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<SharedModel>> got = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        got.add(pool.submit(() -> ModelCache.get(cnn, sum, "cpu", conf)));
      }
      SharedModel first = got.get(0).get();
      for (Future<SharedModel> f : got) {
        assertSame(first, f.get());
      }
      assertEquals(1, ModelCache.loadCount() - before, "one load for four concurrent tasks");
      float[] serial = first.predict(List.of(x), 8).get(0).toFloatArray();
      List<Future<float[]>> outs = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        outs.add(pool.submit(() -> first.predict(List.of(x), 4).get(0).toFloatArray()));
      }
      for (Future<float[]> f : outs) {
        org.junit.jupiter.api.Assertions.assertArrayEquals(serial, f.get(), 0f);
      }
    } finally {
      pool.shutdown();
    }
    SharedModel m = ModelCache.get(cnn, sum, "cpu", conf);
    assertEquals(1, ModelCache.size());
    ModelCache.closeAll();
    assertEquals(0, ModelCache.size());
    assertTrue(m.isClosed());
    KerasSparkException e = assertThrows(KerasSparkException.class,
        () -> m.predict(List.of(x), 8));
    assertTrue(e.getMessage().contains("was closed"), e.getMessage());
    // a later task loads it again
    assertNotEquals(m, ModelCache.get(cnn, sum, "cpu", conf));
    assertEquals(2, ModelCache.loadCount() - before);
  }

  @Test
  void checksumFollowsTheContentAndAStaleOneIsRefused() throws IOException {
    Configuration conf = new Configuration();
    Path a = tmp.resolve("a.keras");
    Files.copy(Path.of(KerasModelTransformerTest.CNN), a);
    String sum = ModelCache.checksum(a.toString(), conf);
    assertEquals(sum, ModelCache.checksum("file://" + a, conf), "same file, same checksum");
    // the SavedModel directory: every file's relative path and bytes
    String dir = TestSpark.repo("models/mnist_cnn/saved_model").toString();
    assertEquals(64, ModelCache.checksum(dir, conf).length());
    byte[] bytes = Files.readAllBytes(a);
    bytes[bytes.length / 2] ^= 1;
    Files.write(a, bytes);
    Files.setLastModifiedTime(a, java.nio.file.attribute.FileTime.fromMillis(
        System.currentTimeMillis() + 5000));
    assertNotEquals(sum, ModelCache.checksum(a.toString(), conf));
    KerasSparkException e = assertThrows(KerasSparkException.class,
        () -> ModelCache.get(a.toString(), sum, "cpu", conf));
    assertTrue(e.getMessage().contains("changed since the job started"), e.getMessage());
    KerasSparkException dev = assertThrows(KerasSparkException.class,
        () -> ModelCache.get(KerasModelTransformerTest.CNN,
            ModelCache.checksum(KerasModelTransformerTest.CNN, conf), "tpu", conf));
    assertTrue(dev.getMessage().contains("device 'tpu'"), dev.getMessage());
  }
}
