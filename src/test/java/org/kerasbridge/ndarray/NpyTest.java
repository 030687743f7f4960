package org.kerasbridge.ndarray;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kerasbridge.InvalidInputException;
import org.tensorflow.Tensor;

class NpyTest {
  @TempDir
  Path tmp;

  @Test
  void everyDtypeRoundTripsThroughFileAndTensor() throws IOException {
    NpyArray[] arrays = {
        NpyArray.ofFloats(new long[] {2, 3}, 1f, -2.5f, 3e-8f, Float.MAX_VALUE, 0f, -0f),
        NpyArray.ofDoubles(new long[] {3}, Math.PI, -1e300, 5e-324),
        NpyArray.ofInts(new long[] {2, 1, 2}, Integer.MIN_VALUE, -1, 0, Integer.MAX_VALUE),
        NpyArray.ofLongs(new long[] {2}, Long.MIN_VALUE, Long.MAX_VALUE),
        NpyArray.ofBytes(new long[] {4}, (byte) 0, (byte) 1, (byte) 128, (byte) 255),
        NpyArray.ofFloats(new long[] {}, 42f),
        NpyArray.ofFloats(new long[] {0, 5}),
    };
    for (NpyArray a : arrays) {
      Path f = tmp.resolve(a.dtype() + "_" + a.rank() + "_" + a.size() + ".npy");
      Npy.write(f, a);
      byte[] bytes = Files.readAllBytes(f);
      assertEquals(0, (bytes.length - a.size() * a.dtype().itemSize()) % 64,
          "header padded to 64 bytes, as numpy pads it");
      NpyArray back = Npy.read(f);
      assertEquals(a, back, "file round trip of " + a);
      assertArrayEquals(bytes, Npy.toBytes(back));
      try (Tensor t = a.toTensor()) {
        assertEquals(a, NpyArray.fromTensor(t), "tensor round trip of " + a);
      }
    }
  }

  /**
   * Row slices copy into tensors exactly, whether their payload is a heap array (one bulk copy
   * from an offset) or a read-only or direct buffer (bulk copies through a chunk, several here).
   */
  @Test
  void readOnlySlicesCopyIntoTensorsExactly() {
    int rows = 300;
    int cols = 784; // 300 x 784 floats: 940,800 bytes, several copy chunks
    float[] v = new float[rows * cols];
    for (int i = 0; i < v.length; i++) {
      v[i] = i * 0.5f - 7;
    }
    NpyArray slice = NpyArray.ofFloats(new long[] {rows, cols}, v).sliceRows(5, 290);
    float[] want = Arrays.copyOfRange(v, 5 * cols, 290 * cols);
    try (Tensor t = slice.toTensor()) {
      assertArrayEquals(want, NpyArray.fromTensor(t).toFloatArray());
    }
    java.nio.ByteBuffer direct = java.nio.ByteBuffer.allocateDirect(v.length * 4)
        .order(java.nio.ByteOrder.LITTLE_ENDIAN);
    direct.asFloatBuffer().put(v);
    NpyArray fromDirect = NpyArray.of(DType.FLOAT32, new long[] {rows, cols}, direct)
        .sliceRows(5, 290).sliceRows(0, 285);
    try (Tensor t = fromDirect.toTensor()) {
      assertArrayEquals(want, NpyArray.fromTensor(t).toFloatArray());
    }
  }

  @Test
  void headerMatchesNumpyLayout() {
    byte[] h = Npy.header(NpyArray.ofFloats(new long[] {8, 784}, new float[8 * 784]));
    String text = new String(h, 10, h.length - 10, StandardCharsets.ISO_8859_1);
    // numpy 2.x: the dict, 21-digit growth room for axis 0, padding to 64, newline
    assertTrue(text.startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (8, 784), }"
        + " ".repeat(20)), text);
    assertEquals(128, h.length);
    assertEquals('\n', text.charAt(text.length() - 1));
    String one = new String(Npy.header(NpyArray.ofBytes(new long[] {3}, new byte[3])),
        StandardCharsets.ISO_8859_1);
    assertTrue(one.contains("'descr': '|u1'") && one.contains("'shape': (3,)"), one);
  }

  @Test
  void ndArrayViewsShareValues() {
    NpyArray a = NpyArray.ofFloats(new long[] {2, 2}, 1, 2, 3, 4);
    assertEquals(3f, a.asFloats().getFloat(1, 0));
    assertArrayEquals(new float[] {3, 4}, a.sliceRows(1, 2).toFloatArray());
    NpyArray joined = NpyArray.concatRows(java.util.List.of(a.sliceRows(0, 1), a.sliceRows(1, 2)));
    assertEquals(a, joined);
  }

  @Test
  void rejectsMalformedFilesWithTheReason() throws IOException {
    byte[] good = Npy.toBytes(NpyArray.ofFloats(new long[] {2, 2}, 1, 2, 3, 4));
    assertRejected(Arrays.copyOf(good, good.length - 1), "truncated data");
    byte[] trailing = Arrays.copyOf(good, good.length + 4);
    assertRejected(trailing, "trailing bytes");
    assertRejected("not numpy".getBytes(StandardCharsets.US_ASCII), "magic");
    assertRejected(Arrays.copyOf(good, 5), "shorter than");
    assertRejected(withHeader("{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }"),
        "'>f4' is not supported");
    assertRejected(withHeader("{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }"),
        "'<c8' is not supported");
    assertRejected(withHeader("{'descr': '<f4', 'fortran_order': True, 'shape': (1,), }"),
        "Fortran");
    assertRejected(withHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (a,), }"),
        "whole numbers");
    assertRejected(withHeader("{'descr': '<f4', 'fortran_order': False}"), "'shape'");
    assertRejected(withHeader("garbage"), "malformed header");
    byte[] badVersion = good.clone();
    badVersion[6] = 9;
    assertRejected(badVersion, "version 9");
  }

  @Test
  void npzRoundTripsInOrder() {
    Map<String, NpyArray> m = new LinkedHashMap<>();
    m.put("dense/kernel", NpyArray.ofFloats(new long[] {2, 1}, 1, 2));
    m.put("b", NpyArray.ofInts(new long[] {1}, 7));
    Path f = tmp.resolve("x.npz");
    Npz.write(f, m);
    Map<String, NpyArray> back = Npz.read(f);
    assertEquals(m, back);
    assertEquals(java.util.List.copyOf(m.keySet()), java.util.List.copyOf(back.keySet()));
  }

  @Test
  void npzRejectsNonZip() throws IOException {
    Path f = tmp.resolve("bad.npz");
    Files.writeString(f, "not a zip");
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> Npz.read(f));
    assertTrue(e.getMessage().contains("bad.npz"), e.getMessage());
  }

  @Test
  void missingFileIsNamed() {
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> Npy.read(tmp.resolve("nope.npy")));
    assertTrue(e.getMessage().contains("nope.npy") && e.getMessage().contains("no such file"));
  }

  private static byte[] withHeader(String dict) {
    byte[] h = (dict + "\n").getBytes(StandardCharsets.ISO_8859_1);
    byte[] out = new byte[10 + h.length + 4];
    out[0] = (byte) 0x93;
    System.arraycopy("NUMPY".getBytes(StandardCharsets.US_ASCII), 0, out, 1, 5);
    out[6] = 1;
    out[8] = (byte) h.length;
    System.arraycopy(h, 0, out, 10, h.length);
    return out;
  }

  private static void assertRejected(byte[] content, String why) {
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> Npy.read(new ByteArrayInputStream(content), "probe.npy"));
    assertTrue(e.getMessage().startsWith("probe.npy: malformed .npy"), e.getMessage());
    assertTrue(e.getMessage().contains(why), "expected '" + why + "' in: " + e.getMessage());
  }
}
