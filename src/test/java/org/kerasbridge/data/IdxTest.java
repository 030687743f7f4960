package org.kerasbridge.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kerasbridge.InvalidInputException;
import org.kerasbridge.ndarray.DType;
import org.kerasbridge.ndarray.NpyArray;

class IdxTest {
  @TempDir
  Path tmp;

  @Test
  void readsCompressedAndUncompressedFilesAlike() throws IOException {
    NpyArray images = TestData.images(4, 0);
    byte[] raw = TestData.idxBytes(images);
    Path plain = tmp.resolve("x-idx3-ubyte");
    Path gz = tmp.resolve("x-idx3-ubyte.gz");
    Files.write(plain, raw);
    Files.write(gz, TestData.gzip(raw));
    assertEquals(images, Idx.readImages(plain));
    assertEquals(images, Idx.readImages(gz));
    assertEquals(DType.UINT8, Idx.readImages(gz).dtype());
    assertArrayEquals(new long[] {4, 28, 28}, Idx.readImages(gz).shape());
  }

  @Test
  void badMagicIsRejectedNamingTheFile() throws IOException {
    byte[] raw = TestData.idxBytes(TestData.images(2, 0));
    raw[3] = 0x02;
    Path f = tmp.resolve("train-images-idx3-ubyte.gz");
    Files.write(f, TestData.gzip(raw));
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> Idx.readImages(f));
    assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("magic number 0x00000802, expected 0x00000803"),
        e.getMessage());
  }

  @Test
  void labelsWhereImagesBelongAreNamedAsSuch() throws IOException {
    Path f = tmp.resolve("train-images-idx3-ubyte");
    Files.write(f, TestData.idxBytes(TestData.labels(3, 0)));
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> Idx.readImages(f));
    assertTrue(e.getMessage().contains("this is an IDX idx1-ubyte labels file"), e.getMessage());
  }

  @Test
  void truncatedPayloadIsRejected() throws IOException {
    byte[] raw = TestData.idxBytes(TestData.images(3, 0));
    Path f = tmp.resolve("t10k-images-idx3-ubyte");
    Files.write(f, Arrays.copyOf(raw, raw.length - 100));
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> Idx.readImages(f));
    assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("truncated: the header promises 3x28x28 = 2352 bytes"
        + " of data, the file holds 2252"), e.getMessage());
  }

  @Test
  void truncatedGzipStreamIsRejected() throws IOException {
    byte[] gz = TestData.gzip(TestData.idxBytes(TestData.images(3, 0)));
    Path f = tmp.resolve("t10k-images-idx3-ubyte.gz");
    Files.write(f, Arrays.copyOf(gz, gz.length / 2));
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> Idx.readImages(f));
    assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("truncated"), e.getMessage());
  }

  @Test
  void truncatedHeaderAndTrailingBytesAreRejected() throws IOException {
    Path shortFile = tmp.resolve("a");
    Files.write(shortFile, new byte[] {0, 0, 8});
    assertTrue(assertThrows(InvalidInputException.class, () -> Idx.readLabels(shortFile))
        .getMessage().contains("shorter than the 4-byte magic"));
    Path header = tmp.resolve("b");
    Files.write(header, new byte[] {0, 0, 8, 3, 0, 0});
    assertTrue(assertThrows(InvalidInputException.class, () -> Idx.readImages(header))
        .getMessage().contains("truncated header"));
    byte[] raw = TestData.idxBytes(TestData.labels(5, 0));
    Path trailing = tmp.resolve("c");
    Files.write(trailing, Arrays.copyOf(raw, raw.length + 1));
    assertTrue(assertThrows(InvalidInputException.class, () -> Idx.readLabels(trailing))
        .getMessage().contains("trailing bytes after the 5-byte payload"));
  }

  @Test
  void missingFileIsNamed() {
    Path f = tmp.resolve("nope.gz");
    assertEquals(f + ": no such file",
        assertThrows(InvalidInputException.class, () -> Idx.readLabels(f)).getMessage());
  }
}
