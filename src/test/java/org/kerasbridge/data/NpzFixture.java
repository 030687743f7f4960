package org.kerasbridge.data;

/**
 * numpy 2.4's {@code savez_compressed(b, x_test=..., x_train=..., y_train=..., y_test=...)} of
 * small uint8 arrays, base64: the layout of Keras's mnist.npz (deflated members in that order,
 * numpy's zip64 local headers). x_train = (arange(3*784) % 256).reshape(3, 28, 28), x_test =
 * (arange(2*784) * 7 % 256).reshape(2, 28, 28), y_train = [5, 0, 9], y_test = [7, 2].
 */
final class NpzFixture {
  static final String BASE64 = ""
      + "UEsDBC0AAAAIAAAAIQDWW6VT//////////8KABQAeF90ZXN0Lm5weQEAEACgBgAAAAAAAGUBAAAAAAAAm+wX6hsQyc"
      + "hQxlCtnpJanFykbqWgXlNqqK6joJ6WX1RSlJgXn1+UkgoSd0vMKU4FihdnJBakAvkaRjoKRhYgrKmjUKtADuBiYOcT"
      + "lVHWMrSwd/MNiU7KLCiva+2ZPGvhivXb9h45fenmg+fvvv5h5hKUkFfTNbF28gwIj0vNKa5q7OifNnfJ6k07Dxw/d/"
      + "XO41cff/xn4xWRVtI0MLdz9QmOSszIL6tt6Z40c8HydVv3HD518cb9Z2+//GbiFBCXU9UxtnL08A+LTckuqmxo75s6"
      + "Z/GqjTv2Hzt75fajlx++/2PlEZZS1NA3s3XxDopMSM8rrWnumjhj/rK1W3YfOnnh+r2nbz7/YuTgF5NV0TaydHD3C4"
      + "1JziqsqG/rnTJ70coN2/cdPXP51sMX77/9ZeEWklRQ1zO1cfYKjIhPyy2pbuqcMH3e0jWbdx08cf7a3SevP/0c9f+o"
      + "/0f9P+r/Uf9j9z8AUEsDBC0AAAAIAAAAIQC2xJTY//////////8LABQAeF90cmFpbi5ucHkBABAAsAkAAAAAAABsAQ"
      + "AAAAAAAJvsF+obEMnIUMZQrZ6SWpxcpG6loF5Taqiuo6Cell9UUpSYF59flJIKEndLzClOBYoXZyQWpAL5GsY6CkYW"
      + "IKypo1CrQA7gYmBkYmZhZWPn4OTi5uHl4xcQFBIWERUTl5CUkpaRlZNXUFRSVlFVU9fQ1NLW0dXTNzA0MjYxNTO3sL"
      + "SytrG1s3dwdHJ2cXVz9/D08vbx9fMPCAwKDgkNC4+IjIqOiY2LT0hMSk5JTUvPyMzKzsnNyy8oLCouKS0rr6isqq6p"
      + "ratvaGxqbmlta+/o7Oru6e3rnzBx0uQpU6dNnzFz1uw5c+fNX7Bw0eIlS5ctX7Fy1eo1a9et37Bx0+YtW7dt37Fz1+"
      + "49e/ftP3Dw0OEjR48dP3Hy1OkzZ8+dv3Dx0uUrV69dv3Hz1u07d+/df/Dw0eMnT589f/Hy1es3b9+9//Dx0+cvX799"
      + "//Hz1+8/f//9H/X/qP9H/T/q/1H/j/p/1P+j/ifkfwBQSwMELQAAAAgAAAAhAGrAZGT//////////wsAFAB5X3RyYW"
      + "luLm5weQEAEACDAAAAAAAAAEcAAAAAAAAAm+wX6hsQychQxlCtnpJanFykbqWgXlNqqK6joJ6WX1RSlJgXn1+UkgoS"
      + "d0vMKU4FihdnJBakAvkaxjqaOgq1ChQALlYGTgBQSwMELQAAAAgAAAAhAOSlPwn//////////woAFAB5X3Rlc3Qubn"
      + "B5AQAQAIIAAAAAAAAARgAAAAAAAACb7BfqGxDJyFDGUK2eklqcXKRupaBeU2qorqOgnpZfVFKUmBefX5SSChJ3S8wp"
      + "TgWKF2ckFqQC+RpGOpo6CrUKFAAudiYAUEsBAi0DLQAAAAgAAAAhANZbpVNlAQAAoAYAAAoAAAAAAAAAAAAAAIABAA"
      + "AAAHhfdGVzdC5ucHlQSwECLQMtAAAACAAAACEAtsSU2GwBAACwCQAACwAAAAAAAAAAAAAAgAGhAQAAeF90cmFpbi5u"
      + "cHlQSwECLQMtAAAACAAAACEAasBkZEcAAACDAAAACwAAAAAAAAAAAAAAgAFKAwAAeV90cmFpbi5ucHlQSwECLQMtAA"
      + "AACAAAACEA5KU/CUYAAACCAAAACgAAAAAAAAAAAAAAgAHOAwAAeV90ZXN0Lm5weVBLBQYAAAAABAAEAOIAAABQBAAA"
      + "AAA=";

  private NpzFixture() {}
}
