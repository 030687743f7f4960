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
