package org.kerasbridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kerasbridge.graph.Device;

/** A model that needs more memory than the limit is refused before allocation, with its size. */
class MemoryLimitTest {
  private static final Path DENSE = Path.of("models/layers/dense/model.keras");

  @TempDir
  Path tmp;

  @AfterEach
  void clear() {
    System.clearProperty(MemoryLimit.PROPERTY);
  }

  @Test
  void weightsLargerThanTheLimitAreRefusedWithTheirSize() {
    System.setProperty(MemoryLimit.PROPERTY, "100");
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> KerasBridge.load(DENSE, Device.CPU).close());
    assertTrue(e.getMessage().startsWith(DENSE.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("more than the memory limit of 100 bytes"),
        e.getMessage());
    System.setProperty(MemoryLimit.PROPERTY, "1m");
    KerasBridge.load(DENSE, Device.CPU).close();
  }

  @Test
  void variablesFromAHugeConfigAreRefusedBeforeTensorFlowAllocates() throws IOException {
    // Dense(units=2e9) on 5 inputs: a 40 GB kernel, from the config alone
    Path huge = withConfig(DENSE, "\"units\": 4", "\"units\": 2000000000", "huge.keras");
    System.setProperty(MemoryLimit.PROPERTY, "8g");
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> KerasBridge.load(huge, Device.CPU).close());
    String m = e.getMessage();
    assertTrue(m.startsWith(huge.toString()), m);
    assertTrue(m.contains("dense/kernel") && m.contains("40000000000 bytes")
        && m.contains("memory limit of 8589934592 bytes"), m);
  }

  @Test
  void aBatchWhoseLayerOutputExceedsTheLimitIsRefusedBeforeTensorFlowRuns() throws IOException {
    // ZeroPadding1D(padding=(1, 20,000,000)) on 4 steps x 2 channels: 160 MB per sample
    Path padded = withConfig(Path.of("models/layers/zero_padding1d/model.keras"),
        "\"padding\": [1, 2]", "\"padding\": [1, 20000000]", "padded.keras");
    System.setProperty(MemoryLimit.PROPERTY, "100m");
    org.kerasbridge.ndarray.NpyArray x = org.kerasbridge.ndarray.NpyArray.ofFloats(
        new long[] {1, 4, 2}, new float[8]);
    try (org.kerasbridge.model.KerasModel m = KerasBridge.loadKeras(padded, Device.CPU)) {
      InvalidInputException e = assertThrows(InvalidInputException.class,
          () -> m.predict(java.util.List.of(x), 32));
      String msg = e.getMessage();
      assertTrue(msg.startsWith(padded.toString()) && msg.contains("predict with a batch of 1")
          && msg.contains("layer 'zero_padding1d' outputs (None, 20000005, 2)")
          && msg.contains("160000040 bytes") && msg.contains("memory limit of 104857600"), msg);
      m.compile(org.kerasbridge.optimizers.Optimizers.create("sgd", (Double) null),
          org.kerasbridge.losses.Losses.byName("mse", null));
      org.kerasbridge.ndarray.NpyArray y = org.kerasbridge.ndarray.NpyArray.ofFloats(
          new long[] {1, 20000005, 2}, new float[40000010]);
      e = assertThrows(InvalidInputException.class, () -> m.trainOnBatch(java.util.List.of(x),
          java.util.List.of(y), null));
      assertTrue(e.getMessage().contains("a training step with a batch of 1"), e.getMessage());
      // under the limit it runs
      System.setProperty(MemoryLimit.PROPERTY, "1g");
      assertEquals(20000005, m.predict(java.util.List.of(x), 32).get(0).shape()[1]);
    }
  }

  @Test
  void limitParsesSuffixesAndRefusesNonsense() {
    System.setProperty(MemoryLimit.PROPERTY, "2k");
    assertEquals(2048, MemoryLimit.bytes());
    System.setProperty(MemoryLimit.PROPERTY, "3G");
    assertEquals(3L << 30, MemoryLimit.bytes());
    System.setProperty(MemoryLimit.PROPERTY, "lots");
    assertThrows(InvalidInputException.class, MemoryLimit::bytes);
    System.clearProperty(MemoryLimit.PROPERTY);
    assertTrue(MemoryLimit.bytes() > 0);
  }

  private Path withConfig(Path keras, String from, String to, String name) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(
        Files.readAllBytes(keras))); ZipOutputStream out = new ZipOutputStream(b)) {
      for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
        byte[] data = in.readAllBytes();
        if (e.getName().equals("config.json")) {
          String s = new String(data, StandardCharsets.UTF_8);
          assertTrue(s.contains(from), s);
          data = s.replace(from, to).getBytes(StandardCharsets.UTF_8);
        }
        out.putNextEntry(new ZipEntry(e.getName()));
        out.write(data);
        out.closeEntry();
      }
    }
    Path p = tmp.resolve(name);
    Files.write(p, b.toByteArray());
    return p;
  }
}
