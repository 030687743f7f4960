package org.kerasbridge.io.keras;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kerasbridge.InvalidInputException;
import org.kerasbridge.fixtures.Fixtures;
import org.kerasbridge.io.ModelFiles;
import org.kerasbridge.io.ModelSpec;

/**
 * Hostile archives: zip-slip names, duplicate entries, zip bombs (declared, undeclared and lying
 * about their size) and an unzipped model whose files link out of its directory are all refused
 * with an {@link InvalidInputException} naming the archive and the entry; nothing is extracted.
 */
class ArchiveSafetyTest {
  private static final Path MODEL = Fixtures.models().resolve("mlp_classifier/model.keras");

  @TempDir
  Path tmp;

  private static Map<String, byte[]> entries(Path keras) throws IOException {
    Map<String, byte[]> out = new LinkedHashMap<>();
    try (ZipFile z = new ZipFile(keras.toFile())) {
      for (ZipEntry e : java.util.Collections.list(z.entries())) {
        try (InputStream in = z.getInputStream(e)) {
          out.put(e.getName(), in.readAllBytes());
        }
      }
    }
    return out;
  }

  private Path zip(String name, Map<String, byte[]> entries, int method) throws IOException {
    Path out = tmp.resolve(name);
    try (ZipOutputStream zo = new ZipOutputStream(Files.newOutputStream(out))) {
      zo.setMethod(method);
      for (Map.Entry<String, byte[]> e : entries.entrySet()) {
        ZipEntry z = new ZipEntry(e.getKey());
        if (method == ZipEntry.STORED) {
          java.util.zip.CRC32 crc = new java.util.zip.CRC32();
          crc.update(e.getValue());
          z.setSize(e.getValue().length);
          z.setCompressedSize(e.getValue().length);
          z.setCrc(crc.getValue());
        }
        zo.putNextEntry(z);
        zo.write(e.getValue());
        zo.closeEntry();
      }
    }
    return out;
  }

  private static InvalidInputException refused(Path file, String... fragments) {
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> ModelFiles.read(file));
    assertTrue(e.getMessage().startsWith(file.toString()), "names the file: " + e.getMessage());
    for (String f : fragments) {
      assertTrue(e.getMessage().contains(f), "says \"" + f + "\": " + e.getMessage());
    }
    return e;
  }

  @Test
  void theFixtureItselfLoads() {
    ModelSpec s = ModelFiles.read(MODEL);
    assertNotNull(s.modelConfig());
  }

  @Test
  void zipSlipNamesAreRefused() throws IOException {
    Map<String, byte[]> good = entries(MODEL);
    String[] evil = {"../evil.sh", "/etc/cron.d/evil", "assets/../../evil", "C:evil",
        "c:/windows/evil", "assets\\..\\..\\evil", "a/../..", ".."};
    for (int i = 0; i < evil.length; i++) {
      Map<String, byte[]> m = new LinkedHashMap<>(good);
      m.put(evil[i], "#!/bin/sh\n".getBytes(StandardCharsets.UTF_8));
      Path file = zip("slip" + i + ".keras", m, ZipEntry.DEFLATED);
      refused(file, "refusing archive entry '" + evil[i] + "'", "relative path");
    }
    // names that merely contain dots are fine
    assertNull(KerasArchive.unsafeNameReason("assets/v1..2/x..y"));
    assertNull(KerasArchive.unsafeNameReason("model.weights.h5"));
  }

  @Test
  void duplicateEntriesAreRefused() throws IOException {
    Map<String, byte[]> m = new LinkedHashMap<>(entries(MODEL));
    m.put("config.jsoX", m.get("config.json"));
    Path file = zip("dup.keras", m, ZipEntry.STORED);
    byte[] b = Files.readAllBytes(file);
    replaceAll(b, "config.jsoX", "config.json");
    Files.write(file, b);
    refused(file, "'config.json' appears twice");
  }

  /** 64 MiB of zeros deflate to ~64 KiB: the ratio limit stops it after the grace bytes. */
  @Test
  void deflateBombIsRefusedByRatio() throws IOException {
    Map<String, byte[]> m = new LinkedHashMap<>(entries(MODEL));
    m.put("model.weights.h5", new byte[64 << 20]);
    Path file = zip("bomb.keras", m, ZipEntry.DEFLATED);
    assertTrue(Files.size(file) < 1 << 20, "compressed: " + Files.size(file));
    refused(file, "model.weights.h5", "inflates more than 100 times");
  }

  /**
   * A bomb whose central directory claims 100 bytes: the declared size is not trusted, the
   * bytes really inflated are counted.
   */
  @Test
  void lyingSizeHeaderIsNotTrusted() throws IOException {
    Map<String, byte[]> m = new LinkedHashMap<>(entries(MODEL));
    m.put("model.weights.h5", new byte[32 << 20]);
    Path file = zip("liar.keras", m, ZipEntry.DEFLATED);
    byte[] b = Files.readAllBytes(file);
    setCentralSize(b, "model.weights.h5", 100);
    Files.write(file, b);
    try (ZipFile z = new ZipFile(file.toFile())) {
      assertEquals(100, z.getEntry("model.weights.h5").getSize(), "the header now lies");
    }
    refused(file, "model.weights.h5", "inflates more than");

    // and the absolute size limit, on a stored entry that lies the same way
    Map<String, byte[]> s = new LinkedHashMap<>();
    s.put("model.weights.h5", new byte[3 << 20]);
    Path stored = zip("stored-liar.keras", s, ZipEntry.STORED);
    byte[] sb = Files.readAllBytes(stored);
    setCentralSize(sb, "model.weights.h5", 100);
    Files.write(stored, sb);
    KerasArchive.Limits small = new KerasArchive.Limits(1 << 20, 1 << 21, 100, 4 << 20, 100,
        1 << 20);
    try (KerasArchive a = KerasArchive.open(stored, small)) {
      ZipEntry e = a.entry("model.weights.h5");
      InvalidInputException ex = assertThrows(InvalidInputException.class,
          () -> a.read(e, Integer.MAX_VALUE - 8));
      assertTrue(ex.getMessage().contains("inflates to more than 1048576 bytes"),
          ex.getMessage());
    }
  }

  @Test
  void declaredSizesAndEntryCountsAreLimited() throws IOException {
    Map<String, byte[]> m = new LinkedHashMap<>(entries(MODEL));
    Path file = zip("ok.keras", m, ZipEntry.STORED);
    KerasArchive.Limits tiny = new KerasArchive.Limits(1000, 1 << 30, 100, 4 << 20, 100,
        1 << 20);
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> KerasArchive.open(file, tiny).close());
    assertTrue(e.getMessage().contains("declares") && e.getMessage().contains("limit of 1000"),
        e.getMessage());
    for (int i = 0; i < 120; i++) {
      m.put("assets/a" + i, new byte[1]);
    }
    Path many = zip("many.keras", m, ZipEntry.STORED);
    KerasArchive.Limits few = new KerasArchive.Limits(1 << 30, 1 << 30, 100, 4 << 20, 100,
        1 << 20);
    e = assertThrows(InvalidInputException.class, () -> KerasArchive.open(many, few).close());
    assertTrue(e.getMessage().contains("more than 100 entries"), e.getMessage());
    // with the default limits, the same archive loads (assets are ignored)
    assertNotNull(ModelFiles.read(many).modelConfig());
  }

  @Test
  void unzippedModelNeverReadsOutsideItsDirectory() throws IOException {
    Map<String, byte[]> m = entries(MODEL);
    Path outside = Files.createDirectories(tmp.resolve("outside"));
    Files.write(outside.resolve("config.json"), m.get("config.json"));
    Path dir = Files.createDirectories(tmp.resolve("model"));
    Files.write(dir.resolve("metadata.json"), m.get("metadata.json"));
    Files.write(dir.resolve("model.weights.h5"), m.get("model.weights.h5"));
    Files.createSymbolicLink(dir.resolve("config.json"), Path.of("../outside/config.json"));
    refused(dir, "config.json resolves to", "outside the model directory");

    // a link that stays inside is fine
    Files.delete(dir.resolve("config.json"));
    Path sub = Files.createDirectories(dir.resolve("sub"));
    Files.write(sub.resolve("config.json"), m.get("config.json"));
    Files.createSymbolicLink(dir.resolve("config.json"), Path.of("sub/config.json"));
    assertNotNull(ModelFiles.read(dir).modelConfig());

    // the weights, through a linked parent directory
    Files.move(dir.resolve("model.weights.h5"), outside.resolve("model.weights.h5"));
    Files.createSymbolicLink(dir.resolve("model.weights.h5"),
        outside.resolve("model.weights.h5"));
    refused(dir, "model.weights.h5 resolves to", "outside the model directory");
  }

  /** The same ratio rule for .npz data files (read with a streaming zip reader). */
  @Test
  void npzBombIsRefused() throws IOException {
    byte[] npy = org.kerasbridge.ndarray.Npy.toBytes(org.kerasbridge.ndarray.NpyArray.ofBytes(
        new long[] {64 << 20}, new byte[64 << 20]));
    Map<String, byte[]> m = new LinkedHashMap<>();
    m.put("x.npy", npy);
    Path file = zip("bomb.npz", m, ZipEntry.DEFLATED);
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> org.kerasbridge.ndarray.Npz.read(file));
    assertTrue(e.getMessage().startsWith(file.toString())
        && e.getMessage().contains("inflates more than 100 times"), e.getMessage());
    // an ordinary compressed .npz (numbers, ratio ~1) still reads
    float[] f = new float[1 << 20];
    java.util.Random r = new java.util.Random(1);
    for (int i = 0; i < f.length; i++) {
      f[i] = (float) r.nextGaussian();
    }
    m.put("x.npy", org.kerasbridge.ndarray.Npy.toBytes(org.kerasbridge.ndarray.NpyArray.ofFloats(
        new long[] {f.length}, f)));
    Path ok = zip("ok.npz", m, ZipEntry.DEFLATED);
    assertEquals(f.length, org.kerasbridge.ndarray.Npz.read(ok).get("x").size());
  }

  private static void replaceAll(byte[] b, String from, String to) {
    byte[] f = from.getBytes(StandardCharsets.US_ASCII);
    byte[] t = to.getBytes(StandardCharsets.US_ASCII);
    int n = 0;
    for (int i = 0; i + f.length <= b.length; i++) {
      if (java.util.Arrays.equals(b, i, i + f.length, f, 0, f.length)) {
        System.arraycopy(t, 0, b, i, t.length);
        n++;
      }
    }
    assertTrue(n >= 2, "patched local and central headers: " + n);
  }

  /** Sets the uncompressed size in the central directory record of {@code name}. */
  private static void setCentralSize(byte[] b, String name, int size) {
    byte[] n = name.getBytes(StandardCharsets.US_ASCII);
    ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i + 46 + n.length <= b.length; i++) {
      if (buf.getInt(i) == 0x02014b50 && (buf.getShort(i + 28) & 0xffff) == n.length
          && java.util.Arrays.equals(b, i + 46, i + 46 + n.length, n, 0, n.length)) {
        buf.putInt(i + 24, size);
        return;
      }
    }
    throw new AssertionError("no central directory record for " + name);
  }
}
