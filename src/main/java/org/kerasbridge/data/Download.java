package org.kerasbridge.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.kerasbridge.io.AtomicFiles;

/**
 * Fetches a URL ({@code https:}, {@code http:} or {@code file:}) into a file so that the file
 * appears only complete and verified: the bytes go to a temporary file in the target's directory,
 * their sha256 is checked, and only then is the temporary file renamed over the target. On any
 * failure, including a checksum mismatch, the temporary file is deleted and the target is left as
 * it was.
 */
final class Download {
  private static final int CONNECT_TIMEOUT_MS = 30_000;
  private static final int READ_TIMEOUT_MS = 60_000;

  /** The downloaded bytes are not the published file. */
  static final class ChecksumMismatchException extends IOException {
    private static final long serialVersionUID = 1L;

    ChecksumMismatchException(String message) {
      super(message);
    }
  }

  private Download() {}

  static void verified(URI url, Path target, String expectedSha256) throws IOException {
    try {
      AtomicFiles.writeFile(target, true, tmp -> {
        MessageDigest md = sha256Digest();
        long bytes;
        URLConnection c = url.toURL().openConnection();
        c.setConnectTimeout(CONNECT_TIMEOUT_MS);
        c.setReadTimeout(READ_TIMEOUT_MS);
        try (InputStream in = new DigestInputStream(c.getInputStream(), md);
            OutputStream out = Files.newOutputStream(tmp)) {
          bytes = in.transferTo(out);
        }
        String got = HexFormat.of().formatHex(md.digest());
        if (!got.equalsIgnoreCase(expectedSha256)) {
          throw new ChecksumMismatchException("the " + bytes + " bytes downloaded from " + url
              + " have sha256 " + got + ", expected " + expectedSha256
              + "; the download was discarded and nothing was written to " + target);
        }
      });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  static String sha256(Path file) throws IOException {
    MessageDigest md = sha256Digest();
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), md)) {
      in.transferTo(OutputStream.nullOutputStream());
    }
    return HexFormat.of().formatHex(md.digest());
  }

  private static MessageDigest sha256Digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("every JDK provides SHA-256", e);
    }
  }
}
