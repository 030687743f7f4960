package org.kerasbridge.ndarray;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.kerasbridge.InvalidInputException;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.DoubleNdArray;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.IntNdArray;
import org.tensorflow.ndarray.LongNdArray;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;

/**
 * A dense array in C order, held as little-endian bytes: the layout of a {@code .npy} payload and
 * of a TensorFlow tensor buffer on x86-64, so conversion either way is one bulk copy.
 *
 * <p>Views as TF Java NdArrays ({@link #asFloats()} and friends) share the bytes without copying.
 * The array is immutable: the buffer handed out is read-only.
 */
public final class NpyArray {
  static {
    org.kerasbridge.graph.NativeLogging.configure(); // before any TensorFlow native loads
  }

  private final DType dtype;
  private final long[] shape;
  private final ByteBuffer data;

  private NpyArray(DType dtype, long[] shape, ByteBuffer data) {
    this.dtype = Objects.requireNonNull(dtype, "dtype");
    this.shape = shape.clone();
    long expected = Math.multiplyExact(elementCount(shape), (long) dtype.itemSize());
    if (data.remaining() != expected) {
      throw new InvalidInputException("array of dtype " + dtype.kerasName() + " and shape "
          + Arrays.toString(shape) + " needs " + expected + " bytes, got " + data.remaining());
    }
    // kept private and never written: views handed out are read-only, but this one keeps its
    // backing array reachable for bulk copies into tensors
    this.data = data.slice().order(ByteOrder.LITTLE_ENDIAN);
  }

  /** Wraps little-endian C-order bytes; the buffer is not copied, so do not change it after. */
  public static NpyArray of(DType dtype, long[] shape, ByteBuffer littleEndianData) {
    return new NpyArray(dtype, shape, littleEndianData);
  }

  public static NpyArray ofFloats(long[] shape, float... values) {
    ByteBuffer b = allocate(values.length * 4L);
    b.asFloatBuffer().put(values);
    return new NpyArray(DType.FLOAT32, shape, b);
  }

  public static NpyArray ofDoubles(long[] shape, double... values) {
    ByteBuffer b = allocate(values.length * 8L);
    b.asDoubleBuffer().put(values);
    return new NpyArray(DType.FLOAT64, shape, b);
  }

  public static NpyArray ofInts(long[] shape, int... values) {
    ByteBuffer b = allocate(values.length * 4L);
    b.asIntBuffer().put(values);
    return new NpyArray(DType.INT32, shape, b);
  }

  public static NpyArray ofLongs(long[] shape, long... values) {
    ByteBuffer b = allocate(values.length * 8L);
    b.asLongBuffer().put(values);
    return new NpyArray(DType.INT64, shape, b);
  }

  public static NpyArray ofBytes(long[] shape, byte... values) {
    return new NpyArray(DType.UINT8, shape, ByteBuffer.wrap(values.clone()));
  }

  /**
   * Copies a TF Java NdArray (float, double, int, long or byte — bytes as uint8) into an array,
   * in one bulk read.
   */
  public static NpyArray fromNdArray(org.tensorflow.ndarray.NdArray<?> a) {
    long[] shape = a.shape().asArray();
    long n = elementCount(shape);
    if (a instanceof FloatNdArray f) {
      ByteBuffer b = allocate(n * 4);
      f.copyTo(DataBuffers.of(b.asFloatBuffer()));
      return new NpyArray(DType.FLOAT32, shape, b);
    }
    if (a instanceof DoubleNdArray d) {
      ByteBuffer b = allocate(n * 8);
      d.copyTo(DataBuffers.of(b.asDoubleBuffer()));
      return new NpyArray(DType.FLOAT64, shape, b);
    }
    if (a instanceof IntNdArray i) {
      ByteBuffer b = allocate(n * 4);
      i.copyTo(DataBuffers.of(b.asIntBuffer()));
      return new NpyArray(DType.INT32, shape, b);
    }
    if (a instanceof LongNdArray l) {
      ByteBuffer b = allocate(n * 8);
      l.copyTo(DataBuffers.of(b.asLongBuffer()));
      return new NpyArray(DType.INT64, shape, b);
    }
    if (a instanceof org.tensorflow.ndarray.ByteNdArray bytes) {
      ByteBuffer b = allocate(n);
      bytes.copyTo(DataBuffers.of(b));
      return new NpyArray(DType.UINT8, shape, b);
    }
    throw new InvalidInputException("NdArray of " + a.getClass().getSimpleName()
        + " has no .npy equivalent here (float, double, int, long or byte)");
  }

  /** Copies a tensor of a supported type. The caller still owns (and closes) the tensor. */
  public static NpyArray fromTensor(Tensor tensor) {
    DType dtype = DType.fromDataType(tensor.dataType()).orElseThrow(() ->
        new InvalidInputException("tensor of type " + tensor.dataType()
            + " has no .npy equivalent here (supported: float32, float16, float64, int32, int64, uint8)"));
    long[] shape = tensor.shape().asArray();
    if (tensor.numBytes() > Integer.MAX_VALUE - 8) {
      throw new InvalidInputException("tensor of " + tensor.numBytes() + " bytes is larger than"
          + " 2 GiB");
    }
    byte[] bytes = new byte[(int) tensor.numBytes()];
    tensor.asRawTensor().data().read(bytes);
    return new NpyArray(dtype, shape, ByteBuffer.wrap(bytes));
  }

  private static final ThreadLocal<byte[]> COPY_CHUNK =
      ThreadLocal.withInitial(() -> new byte[1 << 18]);

  /** A new tensor holding a copy of these values; the caller must close it. */
  public Tensor toTensor() {
    // one bulk copy from the payload into the tensor's native buffer
    Tensor t = Tensor.of(dtype.tensorType(), Shape.of(shape));
    try {
      if (data.hasArray()) {
        t.asRawTensor().data().write(data.array(), data.arrayOffset() + data.position(),
            data.remaining());
      } else {
        // a read-only or direct buffer: bulk copies through a reused chunk (TF Java's own
        // ByteBuffer copy falls back to one byte at a time, which made predict at batch 128 on
        // the MLP twice as slow as a raw Session.run)
        org.tensorflow.ndarray.buffer.ByteDataBuffer dst = t.asRawTensor().data();
        ByteBuffer src = data.duplicate();
        byte[] chunk = COPY_CHUNK.get();
        long at = 0;
        while (src.hasRemaining()) {
          int n = Math.min(chunk.length, src.remaining());
          src.get(chunk, 0, n);
          (at == 0 ? dst : dst.offset(at)).write(chunk, 0, n);
          at += n;
        }
      }
      return t;
    } catch (RuntimeException e) {
      t.close();
      throw e;
    }
  }

  public DType dtype() {
    return dtype;
  }

  public long[] shape() {
    return shape.clone();
  }

  public Shape tfShape() {
    return Shape.of(shape);
  }

  public int rank() {
    return shape.length;
  }

  public long size() {
    return elementCount(shape);
  }

  /** A read-only little-endian view of the payload. */
  public ByteBuffer data() {
    return data.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
  }

  /** Element {@code i} in C order, widened to double (exact for every supported type but int64). */
  public double getDouble(long i) {
    int idx = Math.toIntExact(i * dtype.itemSize());
    switch (dtype) {
      case FLOAT32: return data.getFloat(idx);
      case FLOAT16: return Half.toFloat(data.getShort(idx));
      case FLOAT64: return data.getDouble(idx);
      case INT32: return data.getInt(idx);
      case INT64: return data.getLong(idx);
      case UINT8: return Byte.toUnsignedInt(data.get(idx));
      default: throw new AssertionError(dtype);
    }
  }

  /** The values as floats: float32 as stored, float16 widened (exactly). */
  public float[] toFloatArray() {
    if (dtype == DType.FLOAT16) {
      float[] out = new float[Math.toIntExact(size())];
      java.nio.ShortBuffer s = data().asShortBuffer();
      for (int i = 0; i < out.length; i++) {
        out[i] = Half.toFloat(s.get(i));
      }
      return out;
    }
    requireType(DType.FLOAT32);
    float[] out = new float[Math.toIntExact(size())];
    data().asFloatBuffer().get(out);
    return out;
  }

  public FloatNdArray asFloats() {
    requireType(DType.FLOAT32);
    return NdArrays.wrap(Shape.of(shape), DataBuffers.of(data().asFloatBuffer()));
  }

  public DoubleNdArray asDoubles() {
    requireType(DType.FLOAT64);
    return NdArrays.wrap(Shape.of(shape), DataBuffers.of(data().asDoubleBuffer()));
  }

  public IntNdArray asInts() {
    requireType(DType.INT32);
    return NdArrays.wrap(Shape.of(shape), DataBuffers.of(data().asIntBuffer()));
  }

  public LongNdArray asLongs() {
    requireType(DType.INT64);
    return NdArrays.wrap(Shape.of(shape), DataBuffers.of(data().asLongBuffer()));
  }

  /** Rows {@code [from, to)} along the first axis, sharing this array's bytes. */
  public NpyArray sliceRows(long from, long to) {
    if (shape.length == 0 || from < 0 || to > shape[0] || from > to) {
      throw new IllegalArgumentException("rows [" + from + ", " + to + ") outside shape "
          + Arrays.toString(shape));
    }
    long rowBytes = (shape[0] == 0 ? 0 : data.remaining() / shape[0]);
    // a view of the same bytes, writable only here (data() hands out read-only views), so a
    // heap payload keeps its array for toTensor's one bulk copy
    ByteBuffer d = data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    d.position(Math.toIntExact(d.position() + from * rowBytes))
        .limit(Math.toIntExact(d.position() + (to - from) * rowBytes));
    long[] s = shape.clone();
    s[0] = to - from;
    return new NpyArray(dtype, s, d.slice().order(ByteOrder.LITTLE_ENDIAN));
  }

  /**
   * Rows {@code index[from..to)} along the first axis, copied in that order (a shuffled batch):
   * one bulk copy per row.
   */
  public NpyArray takeRows(int[] index, int from, int to) {
    if (shape.length == 0) {
      throw new IllegalArgumentException("cannot take rows of a scalar");
    }
    int rowBytes = shape[0] == 0 ? 0 : (int) (data.remaining() / shape[0]);
    ByteBuffer out = allocate((long) (to - from) * rowBytes);
    byte[] src = data.hasArray() ? data.array() : null;
    int base = data.hasArray() ? data.arrayOffset() : 0;
    for (int i = from; i < to; i++) {
      int r = index[i];
      if (r < 0 || r >= shape[0]) {
        throw new IllegalArgumentException("row " + r + " outside " + Arrays.toString(shape));
      }
      if (src != null) {
        out.put(src, base + r * rowBytes, rowBytes);
      } else {
        ByteBuffer d = data();
        d.position(r * rowBytes).limit(r * rowBytes + rowBytes);
        out.put(d);
      }
    }
    out.flip();
    long[] s = shape.clone();
    s[0] = to - from;
    return new NpyArray(dtype, s, out);
  }

  /**
   * Runs {@code fn} on consecutive row slices of {@code inputs} (all with the same number of
   * rows), at most {@code step} rows each, and stacks each output's slices back together. One
   * slice covering everything is passed through unsliced.
   */
  public static List<NpyArray> inBatches(List<NpyArray> inputs, int step,
      java.util.function.Function<List<NpyArray>, List<NpyArray>> fn) {
    long rows = inputs.get(0).shape()[0];
    if (rows <= step) {
      return fn.apply(inputs);
    }
    List<List<NpyArray>> parts = new java.util.ArrayList<>();
    for (long from = 0; from < rows; from += step) {
      long to = Math.min(rows, from + step);
      List<NpyArray> slice = new java.util.ArrayList<>();
      for (NpyArray a : inputs) {
        slice.add(a.sliceRows(from, to));
      }
      parts.add(fn.apply(slice));
    }
    List<NpyArray> out = new java.util.ArrayList<>();
    for (int k = 0; k < parts.get(0).size(); k++) {
      int kk = k;
      out.add(concatRows(parts.stream().map(p -> p.get(kk)).toList()));
    }
    return out;
  }

  /** Stacks arrays of equal dtype and trailing shape along the first axis. */
  public static NpyArray concatRows(List<NpyArray> parts) {
    if (parts.isEmpty()) {
      throw new IllegalArgumentException("nothing to concatenate");
    }
    NpyArray first = parts.get(0);
    long rows = 0;
    int bytes = 0;
    for (NpyArray p : parts) {
      if (p.dtype != first.dtype || p.rank() != first.rank() || !Arrays.equals(
          Arrays.copyOfRange(p.shape, 1, p.rank()), Arrays.copyOfRange(first.shape, 1, first.rank()))) {
        throw new IllegalArgumentException("cannot stack " + p + " under " + first);
      }
      rows += p.shape[0];
      bytes = Math.addExact(bytes, p.data.remaining());
    }
    ByteBuffer out = allocate(bytes);
    for (NpyArray p : parts) {
      out.put(p.data());
    }
    out.flip();
    long[] s = first.shape.clone();
    s[0] = rows;
    return new NpyArray(first.dtype, s, out);
  }

  /**
   * This array converted to {@code target} as numpy's {@code astype} does (and as Keras casts
   * inputs to the input layer's dtype): floats to ints truncate toward zero.
   */
  public NpyArray castTo(DType target) {
    if (target == dtype) {
      return this;
    }
    int n = Math.toIntExact(size());
    ByteBuffer out = allocate((long) n * target.itemSize());
    for (int i = 0; i < n; i++) {
      double v = getDouble(i);
      switch (target) {
        case FLOAT32: out.putFloat((float) v); break;
        case FLOAT16: out.putShort(Half.fromDouble(v)); break;
        case FLOAT64: out.putDouble(dtype == DType.INT64 ? (double) data.getLong(i * 8) : v);
          break;
        case INT32: out.putInt((int) (long) v); break;
        case INT64: out.putLong(dtype == DType.INT64 ? data.getLong(i * 8) : (long) v); break;
        case UINT8: out.put((byte) (long) v); break;
        default: throw new AssertionError(target);
      }
    }
    out.flip();
    return new NpyArray(target, shape, out);
  }

  private void requireType(DType t) {
    if (dtype != t) {
      throw new InvalidInputException("expected a " + t.kerasName() + " array, got "
          + dtype.kerasName());
    }
  }

  static long elementCount(long[] shape) {
    long n = 1;
    for (long d : shape) {
      if (d < 0) {
        throw new InvalidInputException("negative dimension in shape " + Arrays.toString(shape));
      }
      n = Math.multiplyExact(n, d);
    }
    return n;
  }

  private static ByteBuffer allocate(long bytes) {
    if (bytes > Integer.MAX_VALUE - 8) {
      throw new InvalidInputException("array of " + bytes + " bytes is larger than 2 GiB");
    }
    return ByteBuffer.allocate((int) bytes).order(ByteOrder.LITTLE_ENDIAN);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NpyArray a && a.dtype == dtype && Arrays.equals(a.shape, shape)
        && a.data().equals(data());
  }

  @Override
  public int hashCode() {
    return Objects.hash(dtype, Arrays.hashCode(shape), data().hashCode());
  }

  @Override
  public String toString() {
    return dtype.kerasName() + Arrays.toString(shape);
  }
}
