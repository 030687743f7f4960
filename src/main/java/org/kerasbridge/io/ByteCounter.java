package org.kerasbridge.io;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.LongConsumer;

/**
 * An input stream that counts the bytes really read through it and hands the running total to a
 * check after every read, so a reader can refuse an input while it grows (an archive member that
 * inflates past a limit or ratio) without trusting what its headers declare.
 */
public final class ByteCounter extends FilterInputStream {
  private final LongConsumer check;
  private long count;

  /** @param check called with the total after each read; it throws to refuse the input */
  public ByteCounter(InputStream in, LongConsumer check) {
    super(in);
    this.check = check;
  }

  /** The bytes read (or skipped) so far. */
  public long count() {
    return count;
  }

  @Override
  public int read() throws IOException {
    int b = super.read();
    if (b >= 0) {
      add(1);
    }
    return b;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n = super.read(b, off, len);
    if (n > 0) {
      add(n);
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    long s = super.skip(n);
    if (s > 0) {
      add(s);
    }
    return s;
  }

  private void add(long n) {
    count += n;
    check.accept(count);
  }
}
