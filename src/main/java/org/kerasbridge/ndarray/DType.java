package org.kerasbridge.ndarray;

import java.util.Locale;
import java.util.Optional;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TFloat16;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TUint8;
import org.tensorflow.types.family.TType;

/** The element types KerasBridge moves between {@code .npy} files, NdArrays and Tensors. */
public enum DType {
  FLOAT32("<f4", 4, TFloat32.class, DataType.DT_FLOAT, "float32"),
  /** IEEE half precision: the outputs of a model whose last layer computes in float16. */
  FLOAT16("<f2", 2, TFloat16.class, DataType.DT_HALF, "float16"),
  FLOAT64("<f8", 8, TFloat64.class, DataType.DT_DOUBLE, "float64"),
  INT32("<i4", 4, TInt32.class, DataType.DT_INT32, "int32"),
  INT64("<i8", 8, TInt64.class, DataType.DT_INT64, "int64"),
  UINT8("|u1", 1, TUint8.class, DataType.DT_UINT8, "uint8");

  private final String descr;
  private final int itemSize;
  private final Class<? extends TType> tensorType;
  private final DataType dataType;
  private final String kerasName;

  DType(String descr, int itemSize, Class<? extends TType> tensorType, DataType dataType,
      String kerasName) {
    this.descr = descr;
    this.itemSize = itemSize;
    this.tensorType = tensorType;
    this.dataType = dataType;
    this.kerasName = kerasName;
  }

  /** The numpy {@code descr} string numpy writes for this type, e.g. {@code <f4}. */
  public String descr() {
    return descr;
  }

  public int itemSize() {
    return itemSize;
  }

  public Class<? extends TType> tensorType() {
    return tensorType;
  }

  public DataType dataType() {
    return dataType;
  }

  /** The name Keras and numpy use, e.g. {@code float32}. */
  public String kerasName() {
    return kerasName;
  }

  /** The type numpy describes as {@code descr}; {@code <u1} and {@code |u1} are the same type. */
  public static Optional<DType> fromDescr(String descr) {
    String d = descr.equals("<u1") || descr.equals("u1") ? "|u1" : descr;
    for (DType t : values()) {
      if (t.descr.equals(d)) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }

  public static Optional<DType> fromDataType(DataType dataType) {
    for (DType t : values()) {
      if (t.dataType == dataType) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }

  /** Parses a Keras/numpy dtype name such as {@code float32}. */
  public static Optional<DType> fromName(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    for (DType t : values()) {
      if (t.kerasName.equals(n)) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }
}
