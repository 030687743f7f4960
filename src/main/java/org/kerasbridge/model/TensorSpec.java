package org.kerasbridge.model;

import java.util.Arrays;
import org.kerasbridge.InvalidInputException;
import org.kerasbridge.ndarray.DType;
import org.kerasbridge.ndarray.NpyArray;

/**
 * A named model input or output: dtype and shape, with {@code -1} for a dimension of any size
 * (Keras's {@code None}). {@code shape} is null when even the rank is unknown.
 */
public record TensorSpec(String name, DType dtype, long[] shape) {
  public TensorSpec {
    shape = shape == null ? null : shape.clone();
  }

  @Override
  public long[] shape() {
    return shape == null ? null : shape.clone();
  }

  /** The shape as Keras prints it, e.g. {@code (None, 28, 28, 1)}. */
  public String shapeString() {
    if (shape == null) {
      return "<unknown rank>";
    }
    StringBuilder b = new StringBuilder("(");
    for (int i = 0; i < shape.length; i++) {
      b.append(i > 0 ? ", " : "").append(shape[i] < 0 ? "None" : Long.toString(shape[i]));
    }
    return b.append(shape.length == 1 ? ",)" : ")").toString();
  }

  /** True when the first dimension is free, so inputs may be split into batches. */
  public boolean hasFreeBatchDimension() {
    return shape != null && shape.length > 0 && shape[0] < 0;
  }

  /**
   * Checks that {@code array} fits this spec, before it reaches TensorFlow (which aborts the JVM
   * on some shape errors instead of raising one).
   *
   * @param what names the array in the error, e.g. the file it came from
   */
  public void check(NpyArray array, String what) {
    if (array.dtype() != dtype) {
      throw new InvalidInputException(what + ": input '" + name + "' expects dtype "
          + dtype.kerasName() + ", got " + array.dtype().kerasName());
    }
    if (shape == null) {
      return;
    }
    long[] s = array.shape();
    boolean ok = s.length == shape.length;
    for (int i = 0; ok && i < s.length; i++) {
      ok = shape[i] < 0 || shape[i] == s[i];
    }
    if (!ok) {
      throw new InvalidInputException(what + ": input '" + name + "' expects shape "
          + shapeString() + ", got " + Arrays.toString(s).replace('[', '(').replace(']', ')'));
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TensorSpec t && t.name.equals(name) && t.dtype == dtype
        && Arrays.equals(t.shape, shape);
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + Arrays.hashCode(shape);
  }

  @Override
  public String toString() {
    return name + ": " + dtype.kerasName() + shapeString();
  }
}
