package org.kerasbridge.io.h5;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.kerasbridge.io.ConfigNormalizer;
import org.kerasbridge.io.ModelSpec.NamedArray;

/**
 * Reorders one layer's weights from the legacy HDF5 order into Keras 3's {@code layer.weights}
 * order.
 *
 * <p>Legacy HDF5 files store {@code layer.trainable_weights + layer.non_trainable_weights} (Keras
 * 3's {@code legacy_h5_format._legacy_weights}, and every Keras 2 version). For a plain layer that
 * is its creation order. For a nested model it is not: a Sequential of Dense, BatchNormalization,
 * Dense is stored as {@code dense.kernel, dense.bias, bn.gamma, bn.beta, dense_1.kernel,
 * dense_1.bias, bn.moving_mean, bn.moving_variance}, while {@code layer.weights} (and the
 * {@code .keras} format) lists the inner layers one after the other. The same split happens when an
 * inner layer is frozen. This regroups the weights by inner layer, in config order, recursively.
 *
 * <p>The inner layer of a weight is found from its stored name: Keras 2 names it
 * {@code <inner layer>/<weight>:0} ({@code dense_1/kernel:0}), Keras 3 {@code <model>/<inner
 * layer>/.../<weight>} ({@code inner/dense/kernel}); a Bidirectional's halves are
 * {@code forward_<name>} and {@code backward_<name>}. When a name matches no inner layer (Keras 2
 * sometimes uniquified scopes, e.g. {@code fc0_57/kernel:0} for layer {@code fc0}, a trailing
 * {@code _<n>} is tried last) the layer's weights are left in file order.
 */
final class LegacyWeightOrder {
  private static final Pattern UNIQUIFIED = Pattern.compile("_\\d+$");

  private LegacyWeightOrder() {}

  /** {@code stored} in {@code layer.weights} order for the layer entry {@code layer}. */
  static List<NamedArray> toLayerOrder(JsonNode layer, List<NamedArray> stored) {
    List<Inner> inners = inners(layer);
    if (inners.size() < 2 || stored.size() < 2) {
      return stored;
    }
    List<List<NamedArray>> groups = new ArrayList<>();
    for (int i = 0; i < inners.size(); i++) {
      groups.add(new ArrayList<>());
    }
    for (NamedArray w : stored) {
      int i = assign(w.name(), inners);
      if (i < 0) {
        return stored;
      }
      groups.get(i).add(w);
    }
    List<NamedArray> out = new ArrayList<>(stored.size());
    for (int i = 0; i < inners.size(); i++) {
      Inner in = inners.get(i);
      out.addAll(in.entry == null ? groups.get(i) : toLayerOrder(in.entry, groups.get(i)));
    }
    return out;
  }

  /** One inner layer: its name as weight paths show it, all names below it, its config entry. */
  private record Inner(String name, Set<String> subtree, JsonNode entry) {}

  private static List<Inner> inners(JsonNode layer) {
    List<Inner> out = new ArrayList<>();
    if (ConfigNormalizer.isModel(layer)) {
      for (JsonNode l : ConfigNormalizer.layersOf(layer)) {
        String n = ConfigNormalizer.layerName(l);
        Set<String> sub = new HashSet<>();
        subtreeNames(l, sub);
        out.add(new Inner(n, sub, l));
      }
    } else if ("Bidirectional".equals(layer.path("class_name").asText())) {
      JsonNode fwd = layer.path("config").path("layer");
      JsonNode bwd = layer.path("config").path("backward_layer");
      String base = ConfigNormalizer.layerName(fwd);
      String bwdName = bwd.isObject() ? ConfigNormalizer.layerName(bwd) : "backward_" + base;
      Set<String> fs = new HashSet<>();
      subtreeNames(fwd, fs);
      fs.add("forward_" + base);
      Set<String> bs = new HashSet<>();
      if (bwd.isObject()) {
        subtreeNames(bwd, bs);
      }
      bs.add(bwdName);
      bs.add("backward_" + base);
      // the forward and backward halves share the wrapped layer's config name: keep it out of
      // both sets so only the forward_/backward_ prefixes decide
      fs.remove(base);
      bs.remove(base);
      out.add(new Inner("forward_" + base, fs, null));
      out.add(new Inner(bwdName, bs, null));
    }
    return out;
  }

  private static void subtreeNames(JsonNode layer, Set<String> out) {
    if (layer == null || !layer.isObject()) {
      return;
    }
    String n = ConfigNormalizer.layerName(layer);
    if (!n.isEmpty()) {
      out.add(n);
    }
    if (ConfigNormalizer.isModel(layer)) {
      for (JsonNode l : ConfigNormalizer.layersOf(layer)) {
        subtreeNames(l, out);
      }
      return;
    }
    JsonNode cfg = layer.path("config");
    JsonNode inner = cfg.path("layer");
    if (inner.isObject()) {
      subtreeNames(inner, out);
      String in = ConfigNormalizer.layerName(inner);
      if ("Bidirectional".equals(layer.path("class_name").asText())) {
        out.add("forward_" + in);
        out.add("backward_" + in);
      }
    }
    if (cfg.path("backward_layer").isObject()) {
      subtreeNames(cfg.path("backward_layer"), out);
    }
  }

  private static int assign(String weightName, List<Inner> inners) {
    String[] parts = weightName.split("/");
    int n = parts.length - 1;
    for (int pass = 0; pass < 3; pass++) {
      for (int c = 0; c < n; c++) {
        String comp = pass == 2 ? UNIQUIFIED.matcher(parts[c]).replaceFirst("") : parts[c];
        for (int i = 0; i < inners.size(); i++) {
          Inner in = inners.get(i);
          boolean hit = pass == 0 ? in.name.equals(comp) : in.subtree.contains(comp);
          if (hit) {
            return i;
          }
        }
      }
    }
    return -1;
  }
}
