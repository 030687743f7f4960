package org.kerasbridge.ndarray;

/**
 * IEEE 754 half precision (numpy's {@code float16}) to and from Java numbers. Java 17 has no
 * {@code Float.float16ToFloat}; these follow numpy: widening is exact, narrowing rounds to the
 * nearest half, ties to even, and overflows to infinity.
 */
public final class Half {
  private Half() {}

  /** The float value of the half with bits {@code h} (exact). */
  public static float toFloat(short h) {
    int bits = h & 0xffff;
    int sign = (bits & 0x8000) << 16;
    int exp = (bits >>> 10) & 0x1f;
    int mant = bits & 0x3ff;
    if (exp == 0x1f) {
      return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
    }
    if (exp == 0) {
      float v = mant * 0x1p-24f; // subnormal: mant * 2^-24, exact in float
      return sign != 0 ? -v : v;
    }
    return Float.intBitsToFloat(sign | ((exp - 15 + 127) << 23) | (mant << 13));
  }

  /** The bits of the half nearest to {@code v} (ties to even), as numpy's astype(float16). */
  public static short fromDouble(double v) {
    if (Double.isNaN(v)) {
      return (short) 0x7e00;
    }
    int sign = (Double.doubleToRawLongBits(v) < 0) ? 0x8000 : 0;
    double a = Math.abs(v);
    int bits;
    if (a >= 65520.0) { // halfway between 65504 and 2^16 rounds (to even) to infinity
      bits = 0x7c00;
    } else if (a < 0x1p-14) {
      bits = (int) Math.rint(Math.scalb(a, 24)); // 1024 is the smallest normal's encoding
    } else {
      int e = Math.getExponent(a);
      double m = Math.rint(Math.scalb(a, 10 - e));
      if (m == 2048.0) {
        e++;
        m = 1024.0;
      }
      bits = e > 15 ? 0x7c00 : ((e + 15) << 10) | ((int) m - 1024);
    }
    return (short) (sign | bits);
  }
}
