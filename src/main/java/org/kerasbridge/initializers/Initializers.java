package org.kerasbridge.initializers;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;
import java.util.SplittableRandom;
import org.kerasbridge.UnsupportedFeatureException;
import org.kerasbridge.ndarray.NpyArray;

/**
 * Keras 3's weight initializers ({@code keras/src/initializers}) by name or serialized config,
 * computed in Java from a seeded generator. The distributions and scales are Keras's (fan
 * computation, variance scaling, truncation at two standard deviations, orthogonal via QR with
 * the sign fix); the random numbers themselves cannot be Keras's, so a model built here starts
 * from different (equally distributed) weights than the same model built in Python.
 */
public final class Initializers {
  private Initializers() {}

  /**
   * Keras's default initializer for a weight whose layer config names none: kernels
   * glorot_uniform, recurrent kernels orthogonal, scales and variances ones, everything else
   * zeros.
   */
  public static JsonNode defaultFor(String weightName) {
    String n = weightName.contains("recurrent_kernel") ? "orthogonal"
        : weightName.endsWith("kernel") ? "glorot_uniform"
        : weightName.equals("embeddings") ? "uniform"
        : weightName.equals("gamma") || weightName.equals("moving_variance") ? "ones"
        : "zeros";
    return com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.textNode(n);
  }

  /** Values for a weight of {@code shape} from the initializer config (a name or a dict). */
  public static NpyArray generate(JsonNode config, long[] shape, SplittableRandom rng) {
    String name;
    JsonNode c;
    if (config == null || config.isNull()) {
      name = "zeros";
      c = null;
    } else if (config.isTextual()) {
      name = config.asText();
      c = null;
    } else {
      name = config.path("class_name").asText("");
      c = config.path("config");
    }
    int n = Math.toIntExact(size(shape));
    float[] v = new float[n];
    long[] fans = fans(shape);
    switch (snake(name)) {
      case "zeros":
        break;
      case "ones":
        java.util.Arrays.fill(v, 1f);
        break;
      case "constant":
        java.util.Arrays.fill(v, (float) (c == null ? 0 : c.path("value").asDouble(0)));
        break;
      case "random_uniform": {
        double lo = c == null ? -0.05 : c.path("minval").asDouble(-0.05);
        double hi = c == null ? 0.05 : c.path("maxval").asDouble(0.05);
        uniform(v, lo, hi, rng);
        break;
      }
      case "random_normal": {
        double mean = c == null ? 0 : c.path("mean").asDouble(0);
        double sd = c == null ? 0.05 : c.path("stddev").asDouble(0.05);
        for (int i = 0; i < n; i++) {
          v[i] = (float) (mean + sd * gaussian(rng));
        }
        break;
      }
      case "truncated_normal": {
        double mean = c == null ? 0 : c.path("mean").asDouble(0);
        double sd = c == null ? 0.05 : c.path("stddev").asDouble(0.05);
        truncated(v, mean, sd, rng);
        break;
      }
      case "glorot_uniform":
        variance(v, 1.0, "fan_avg", "uniform", fans, rng);
        break;
      case "glorot_normal":
        variance(v, 1.0, "fan_avg", "truncated_normal", fans, rng);
        break;
      case "he_uniform":
        variance(v, 2.0, "fan_in", "uniform", fans, rng);
        break;
      case "he_normal":
        variance(v, 2.0, "fan_in", "truncated_normal", fans, rng);
        break;
      case "lecun_uniform":
        variance(v, 1.0, "fan_in", "uniform", fans, rng);
        break;
      case "lecun_normal":
        variance(v, 1.0, "fan_in", "truncated_normal", fans, rng);
        break;
      case "variance_scaling":
        variance(v, c == null ? 1.0 : c.path("scale").asDouble(1.0),
            c == null ? "fan_in" : c.path("mode").asText("fan_in"),
            c == null ? "truncated_normal" : c.path("distribution").asText("truncated_normal"),
            fans, rng);
        break;
      case "orthogonal":
        orthogonal(v, shape, c == null ? 1.0 : c.path("gain").asDouble(1.0), rng);
        break;
      case "unit_forget_bias": {
        // LSTM bias with unit_forget_bias=True: [init(u), ones(u), init(2u)] (gates i, f, c, o)
        int units = c == null ? n / 4 : c.path("units").asInt(n / 4);
        JsonNode inner = c == null ? null : c.get("initializer");
        float[] first = generate(inner, new long[] {units}, rng).toFloatArray();
        float[] rest = generate(inner, new long[] {2L * units}, rng).toFloatArray();
        System.arraycopy(first, 0, v, 0, units);
        java.util.Arrays.fill(v, units, 2 * units, 1f);
        System.arraycopy(rest, 0, v, 2 * units, 2 * units);
        break;
      }
      default:
        throw new UnsupportedFeatureException("initializer '" + name + "' is not supported"
            + " (zeros, ones, constant, random_uniform, random_normal, truncated_normal,"
            + " glorot_*, he_*, lecun_*, variance_scaling, orthogonal)");
    }
    return NpyArray.ofFloats(shape, v);
  }

  private static String snake(String name) {
    switch (name) {
      case "Zeros": return "zeros";
      case "Ones": return "ones";
      case "Constant": return "constant";
      case "RandomUniform":
      case "uniform": return "random_uniform";
      case "normal": return "random_normal";
      case "RandomNormal": return "random_normal";
      case "TruncatedNormal": return "truncated_normal";
      case "GlorotUniform": return "glorot_uniform";
      case "GlorotNormal": return "glorot_normal";
      case "HeUniform": return "he_uniform";
      case "HeNormal": return "he_normal";
      case "LecunUniform": return "lecun_uniform";
      case "LecunNormal": return "lecun_normal";
      case "VarianceScaling": return "variance_scaling";
      case "Orthogonal": return "orthogonal";
      case "UnitForgetBias": return "unit_forget_bias";
      default: return name.toLowerCase(Locale.ROOT);
    }
  }

  /** Keras's {@code compute_fans}: (fan_in, fan_out). */
  static long[] fans(long[] shape) {
    if (shape.length == 0) {
      return new long[] {1, 1};
    }
    if (shape.length == 1) {
      return new long[] {shape[0], shape[0]};
    }
    if (shape.length == 2) {
      return new long[] {shape[0], shape[1]};
    }
    long receptive = 1;
    for (int i = 0; i < shape.length - 2; i++) {
      receptive *= shape[i];
    }
    return new long[] {shape[shape.length - 2] * receptive, shape[shape.length - 1] * receptive};
  }

  private static void variance(float[] v, double scale, String mode, String distribution,
      long[] fans, SplittableRandom rng) {
    double s = scale;
    if (mode.equals("fan_in")) {
      s /= Math.max(1.0, fans[0]);
    } else if (mode.equals("fan_out")) {
      s /= Math.max(1.0, fans[1]);
    } else {
      s /= Math.max(1.0, (fans[0] + fans[1]) / 2.0);
    }
    switch (distribution) {
      case "truncated_normal":
        truncated(v, 0, Math.sqrt(s) / 0.87962566103423978, rng);
        break;
      case "untruncated_normal":
      case "normal":
        for (int i = 0; i < v.length; i++) {
          v[i] = (float) (Math.sqrt(s) * gaussian(rng));
        }
        break;
      default:
        double limit = Math.sqrt(3.0 * s);
        uniform(v, -limit, limit, rng);
    }
  }

  private static void uniform(float[] v, double lo, double hi, SplittableRandom rng) {
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (lo + (hi - lo) * rng.nextDouble());
    }
  }

  /** Normal values redrawn until within two standard deviations, as TF's truncated_normal. */
  private static void truncated(float[] v, double mean, double sd, SplittableRandom rng) {
    for (int i = 0; i < v.length; i++) {
      double g;
      do {
        g = gaussian(rng);
      } while (Math.abs(g) > 2.0);
      v[i] = (float) (mean + sd * g);
    }
  }

  private static double gaussian(SplittableRandom rng) {
    // Box-Muller
    double u1 = rng.nextDouble();
    double u2 = rng.nextDouble();
    return Math.sqrt(-2.0 * Math.log(1.0 - u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** Keras's Orthogonal: QR of a normal (max, min) matrix, q *= sign(diag(r)), transposed if needed. */
  private static void orthogonal(float[] v, long[] shape, double gain, SplittableRandom rng) {
    if (shape.length < 2) {
      throw new UnsupportedFeatureException("orthogonal initializer needs a rank >= 2 shape");
    }
    int rows = 1;
    for (int i = 0; i < shape.length - 1; i++) {
      rows *= (int) shape[i];
    }
    int cols = (int) shape[shape.length - 1];
    int m = Math.max(rows, cols);
    int k = Math.min(rows, cols);
    double[][] a = new double[m][k];
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < k; j++) {
        a[i][j] = gaussian(rng);
      }
    }
    // modified Gram-Schmidt: a = q r with q (m x k) orthonormal columns, diag(r) > 0 by
    // construction, which is QR with the sign fix applied
    for (int j = 0; j < k; j++) {
      for (int p = 0; p < j; p++) {
        double dot = 0;
        for (int i = 0; i < m; i++) {
          dot += a[i][p] * a[i][j];
        }
        for (int i = 0; i < m; i++) {
          a[i][j] -= dot * a[i][p];
        }
      }
      double norm = 0;
      for (int i = 0; i < m; i++) {
        norm += a[i][j] * a[i][j];
      }
      norm = Math.sqrt(norm);
      for (int i = 0; i < m; i++) {
        a[i][j] /= norm;
      }
    }
    for (int r = 0; r < rows; r++) {
      for (int col = 0; col < cols; col++) {
        double q = rows >= cols ? a[r][col] : a[col][r];
        v[r * cols + col] = (float) (gain * q);
      }
    }
  }

  private static long size(long[] shape) {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    return n;
  }
}
