package org.kerasbridge.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class FashionMnistTest {
  @Test
  void realFashionMnistMatchesKerasShapesAndKnownValues() {
    Path dir = TestData.sharedOrSkip(Dataset.FASHION_MNIST);
    Mnist.Data d = FashionMnist.load(dir);
    assertArrayEquals(new long[] {60000, 28, 28}, d.xTrain().shape());
    assertArrayEquals(new long[] {10000}, d.yTest().shape());
    // Values numpy reads from the same files, the way keras's fashion_mnist.py does.
    assertArrayEquals(new byte[] {9, 0, 0, 3, 0, 2, 7, 2, 5, 5}, MnistTest.head(d.yTrain(), 10));
    assertArrayEquals(new byte[] {9, 2, 1, 1, 6, 1, 4, 6, 5, 7}, MnistTest.head(d.yTest(), 10));
    assertEquals(3431114169L, MnistTest.sum(d.xTrain()));
    assertEquals(573469082L, MnistTest.sum(d.xTest()));
    long[] perClass = new long[10];
    Arrays.fill(perClass, 6000);
    assertArrayEquals(perClass, MnistTest.bincount(d.yTrain()));
    assertEquals("Ankle boot", FashionMnist.CLASS_NAMES.get(9));
    assertEquals(10, FashionMnist.CLASS_NAMES.size());
  }

  @Test
  void sharedFilesHaveThePublishedChecksums() throws Exception {
    Path dir = TestData.sharedOrSkip(Dataset.FASHION_MNIST);
    for (var f : Dataset.FASHION_MNIST.remoteSha256().entrySet()) {
      assertEquals(f.getValue(), Download.sha256(dir.resolve(f.getKey())), f.getKey());
    }
  }
}
