package org.kerasbridge.layers.reshaping;

import com.fasterxml.jackson.databind.JsonNode;
import org.kerasbridge.layers.LayerConfig;

/**
 * Reads Keras's padding and cropping amounts: for one axis an int {@code n} or a pair {@code (a,
 * b)}; for two axes an int, a pair of ints {@code (h, w)} (symmetric), or a pair of pairs
 * {@code ((top, bottom), (left, right))}. Values must be {@code >= 0}.
 */
final class Pairs {
  private Pairs() {}

  /** {@code [[before, after], ...]} for {@code axes} axes, or {@code dflt} after a report. */
  static int[][] read(LayerConfig c, String key, int axes, int[][] dflt) {
    JsonNode n = c.node(key);
    if (n == null) {
      return dflt;
    }
    int[][] out = new int[axes][2];
    if (n.isIntegralNumber()) {
      for (int[] p : out) {
        p[0] = n.asInt();
        p[1] = n.asInt();
      }
    } else if (axes == 1 && n.isArray() && n.size() == 2 && n.get(0).isIntegralNumber()
        && n.get(1).isIntegralNumber()) {
      out[0][0] = n.get(0).asInt();
      out[0][1] = n.get(1).asInt();
    } else if (axes == 2 && n.isArray() && n.size() == 2) {
      for (int i = 0; i < 2; i++) {
        JsonNode e = n.get(i);
        if (e.isIntegralNumber()) {
          out[i][0] = e.asInt();
          out[i][1] = e.asInt();
        } else if (e.isArray() && e.size() == 2 && e.get(0).isIntegralNumber()
            && e.get(1).isIntegralNumber()) {
          out[i][0] = e.get(0).asInt();
          out[i][1] = e.get(1).asInt();
        } else {
          return bad(c, key, n, axes, dflt);
        }
      }
    } else {
      return bad(c, key, n, axes, dflt);
    }
    for (int[] p : out) {
      if (p[0] < 0 || p[1] < 0) {
        return bad(c, key, n, axes, dflt);
      }
    }
    return out;
  }

  private static int[][] bad(LayerConfig c, String key, JsonNode n, int axes, int[][] dflt) {
    c.unsupported(key, n, axes == 1 ? "a whole number or a pair (before, after) >= 0"
        : "a whole number, a pair (rows, cols) or ((top, bottom), (left, right)), all >= 0");
    return dflt;
  }
}
