package org.kerasbridge.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.kerasbridge.InvalidInputException;
import org.kerasbridge.ndarray.DType;
import org.kerasbridge.ndarray.NpyArray;

/**
 * The checks every array handed to {@code predict}, {@code fit} or {@code evaluate} passes before
 * TensorFlow sees it, with one message per problem naming the input by position and Keras name
 * and saying what was expected:
 *
 * <ul>
 *   <li>as many arrays as the model has inputs (or outputs, for targets);
 *   <li>no empty array (no samples, or a zero-sized dimension);
 *   <li>the dtype: cast to the input's dtype as Keras does ({@code castInputs}), except that
 *       NaN, infinite or fractional values are refused when the input is an integer one (an
 *       Embedding's indices), where a cast would silently make them other numbers; or, where no
 *       cast is made (a SavedModel signature), exactly the signature's dtype;
 *   <li>the shape, dimension by dimension ({@code None} matches any size);
 *   <li>the same number of samples in every input.
 * </ul>
 *
 * <p>NaN and infinite values in float inputs are passed through to {@code predict}, as Keras
 * computes with them (the outputs they reach are NaN); {@link #requireFinite} refuses them where
 * training would turn them into NaN weights.
 */
public final class InputCheck {
  private InputCheck() {}

  /** "input 0 'input_layer'", the way every message names an input. */
  public static String label(String kind, int position, TensorSpec spec) {
    return kind + " " + position + " '" + spec.name() + "'";
  }

  /**
   * Checks {@code xs} against {@code specs} and returns them cast to the specs' dtypes when
   * {@code cast}.
   *
   * @param where the model (its file), first in every message
   * @param kind "input", or "target" for training targets
   */
  public static List<NpyArray> check(String where, List<TensorSpec> specs, List<NpyArray> xs,
      boolean cast, String kind) {
    int given = xs == null ? 0 : xs.size();
    if (given != specs.size()) {
      throw new InvalidInputException(where + ": the model takes " + specs.size() + " "
          + kind + "(s) " + describe(specs) + ", got " + given + " array(s)");
    }
    List<NpyArray> out = new ArrayList<>(given);
    long rows = -1;
    for (int i = 0; i < given; i++) {
      TensorSpec s = specs.get(i);
      NpyArray a = xs.get(i);
      String label = label(kind, i, s);
      if (a == null) {
        throw new InvalidInputException(where + ": " + label + " is null; expected "
            + expected(s));
      }
      boolean scalarSpec = s.shape() != null && s.shape().length == 0;
      if (a.size() == 0 || a.rank() == 0 && !scalarSpec) {
        throw new InvalidInputException(where + ": " + label + " is "
            + (a.rank() == 0 ? "a scalar" : "empty (shape " + shape(a.shape()) + ")")
            + "; expected at least one sample of " + expected(s));
      }
      NpyArray c = a;
      if (cast && a.dtype() != s.dtype()) {
        if (isInteger(s.dtype()) && !isInteger(a.dtype())) {
          requireWhole(where, label, s, a);
        }
        c = a.castTo(s.dtype());
      }
      if (c.dtype() != s.dtype()) {
        throw new InvalidInputException(where + ": " + label + " has dtype "
            + a.dtype().kerasName() + "; expected " + expected(s));
      }
      if (!fits(s, c.shape())) {
        throw new InvalidInputException(where + ": " + label + " has shape " + shape(a.shape())
            + "; expected " + expected(s));
      }
      if (c.rank() == 0) {
        out.add(c);
        continue;
      }
      long r = c.shape()[0];
      if (rows >= 0 && r != rows) {
        throw new InvalidInputException(where + ": " + label + " has " + r + " samples but "
            + label(kind, 0, specs.get(0)) + " has " + rows + "; every " + kind
            + " needs the same number of samples");
      }
      rows = r;
      out.add(c);
    }
    return out;
  }

  /**
   * Refuses NaN and infinite values: {@code fit} trains on them only to produce NaN weights.
   *
   * @param label names the array, e.g. "target 0 'dense_1'"
   */
  public static void requireFinite(String where, String label, NpyArray a) {
    if (a.dtype() != DType.FLOAT32 && a.dtype() != DType.FLOAT64) {
      return;
    }
    long n = a.size();
    for (long i = 0; i < n; i++) {
      double v = a.getDouble(i);
      if (!Double.isFinite(v)) {
        throw new InvalidInputException(where + ": " + label + " holds " + v + " at "
            + index(a.shape(), i) + "; fit refuses NaN and infinite values, since training on"
            + " them can only produce NaN weights");
      }
    }
  }

  private static void requireWhole(String where, String label, TensorSpec s, NpyArray a) {
    long n = a.size();
    for (long i = 0; i < n; i++) {
      double v = a.getDouble(i);
      if (!Double.isFinite(v) || v != Math.rint(v)) {
        throw new InvalidInputException(where + ": " + label + " holds " + v + " at "
            + index(a.shape(), i) + "; expected " + expected(s) + " (whole numbers: a cast"
            + " would change the value)");
      }
    }
  }

  private static boolean isInteger(DType t) {
    return t == DType.INT32 || t == DType.INT64 || t == DType.UINT8;
  }

  private static boolean fits(TensorSpec s, long[] got) {
    long[] want = s.shape();
    if (want == null) {
      return true;
    }
    if (want.length != got.length) {
      return false;
    }
    for (int i = 0; i < got.length; i++) {
      if (want[i] >= 0 && want[i] != got[i]) {
        return false;
      }
    }
    return true;
  }

  static String expected(TensorSpec s) {
    return s.dtype().kerasName() + " " + s.shapeString();
  }

  static String describe(List<TensorSpec> specs) {
    List<String> d = new ArrayList<>();
    for (int i = 0; i < specs.size(); i++) {
      d.add(i + ": '" + specs.get(i).name() + "' " + expected(specs.get(i)));
    }
    return d.toString();
  }

  static String shape(long[] s) {
    String t = Arrays.toString(s).replace('[', '(').replace(']', ')');
    return s.length == 1 ? t.replace(")", ",)") : t;
  }

  /** The numpy index of flat element {@code i}, e.g. {@code [3, 17]}. */
  static String index(long[] shape, long i) {
    long[] idx = new long[shape.length];
    long r = i;
    for (int d = shape.length - 1; d >= 0; d--) {
      idx[d] = shape[d] == 0 ? 0 : r % shape[d];
      r = shape[d] == 0 ? 0 : r / shape[d];
    }
    return "index " + Arrays.toString(idx);
  }
}
