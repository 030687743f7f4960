package org.kerasbridge.io.keras;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.kerasbridge.UnsupportedFeatureException;
import org.kerasbridge.io.ConfigNormalizer;
import org.kerasbridge.io.ModelWriters.WeightInfo;

/**
 * Where Keras 3.15's {@code saving_lib._save_state} puts each weight of a model in
 * {@code model.weights.h5}: the tree of saveable objects, each with its group path, its
 * {@code name} and its own variables ({@code <path>/vars/0}, {@code 1}, ...), computed from the
 * config and the weights' Keras variable paths. This is the write side of {@link V3WeightStore}
 * and shares its container naming ({@link V3WeightStore#containerEntries},
 * {@link V3WeightStore#containerNames}).
 *
 * <p>A top-level layer's weights arrive in {@code layer.weights} order with their variable paths
 * ({@code bidirectional/forward_lstm/lstm_cell/kernel}). Below the layer's own name, a path with
 * one segment is one of the layer's own variables; otherwise the first segment names a child
 * object, which Keras reaches by attribute: the cell of an RNN ({@code cell}), the halves of a
 * Bidirectional ({@code forward_layer}, {@code backward_layer}), the layer of a TimeDistributed
 * ({@code layer}), the layers of a nested model ({@code layers/<snake_case class name, made
 * unique>}). Every object on the way gets a {@code vars} group with its {@code name} attribute,
 * even when it owns no variable, as Keras writes it; so does every layer of every model
 * container (InputLayers included in a Functional, excluded in a Sequential).
 */
final class V3WeightLayout {
  private static final Set<String> CELL_OWNERS = Set.of("LSTM", "GRU", "SimpleRNN", "RNN",
      "ConvLSTM1D", "ConvLSTM2D", "ConvLSTM3D");

  private V3WeightLayout() {}

  /**
   * One saveable object.
   *
   * @param path its group path from the file root ({@code layers/lstm/cell})
   * @param name the {@code name} attribute of its {@code vars} group
   * @param entry the config entry that describes it (for an RNN cell: the RNN layer's entry)
   * @param layer the top-level layer its weights belong to
   * @param own indices, into that layer's weight list, of its own variables in order
   */
  record Node(String path, String name, JsonNode entry, String layer, List<Integer> own,
      List<Node> children) {}

  /**
   * The layout of a model: one node per entry of the top-level container, in container order.
   *
   * @param weights per top-level layer name, its weights' variable paths in order
   * @param where the model, for error messages
   * @throws UnsupportedFeatureException when a weight sits in an object whose attribute name in
   *     Keras's saving walk is not known here
   */
  static List<Node> of(JsonNode modelConfig, Map<String, List<WeightInfo>> weights,
      String where) {
    List<Node> out = new ArrayList<>();
    container(modelConfig, "layers/", null, null, weights, where, out);
    return out;
  }

  private static void container(JsonNode model, String prefix, List<Rel> inherited,
      String parentLayer, Map<String, List<WeightInfo>> topWeights, String where,
      List<Node> out) {
    List<JsonNode> entries = V3WeightStore.containerEntries(model);
    List<String> names = V3WeightStore.containerNames(entries);
    for (int i = 0; i < entries.size(); i++) {
      JsonNode e = entries.get(i);
      String name = ConfigNormalizer.layerName(e);
      List<Rel> rels;
      String layer;
      if (inherited == null) {
        layer = name;
        rels = new ArrayList<>();
        List<WeightInfo> ws = topWeights.getOrDefault(name, List.of());
        for (int k = 0; k < ws.size(); k++) {
          String p = ws.get(k).path();
          if (!p.startsWith(name + "/")) {
            throw new UnsupportedFeatureException(where + ": weight '" + p + "' of layer '" + name
                + "' does not sit below the layer's name; cannot place it in model.weights.h5");
          }
          rels.add(new Rel(k, p.substring(name.length() + 1), name));
        }
      } else {
        layer = parentLayer;
        rels = new ArrayList<>();
        for (Rel r : inherited) {
          if (r.rel().startsWith(name + "/")) {
            rels.add(new Rel(r.index(), r.rel().substring(name.length() + 1), r.layer()));
          }
        }
      }
      out.add(place(prefix + names.get(i), name, e, layer, rels, topWeights, where));
    }
  }

  /** A weight of a top-level layer with its path relative to the object being placed. */
  private record Rel(int index, String rel, String layer) {}

  private static Node place(String path, String name, JsonNode entry, String layer,
      List<Rel> rels, Map<String, List<WeightInfo>> topWeights, String where) {
    List<Integer> own = new ArrayList<>();
    Map<String, List<Rel>> byChild = new LinkedHashMap<>();
    for (Rel r : rels) {
      int slash = r.rel().indexOf('/');
      if (slash < 0) {
        own.add(r.index());
      } else {
        byChild.computeIfAbsent(r.rel().substring(0, slash), k -> new ArrayList<>())
            .add(new Rel(r.index(), r.rel().substring(slash + 1), r.layer()));
      }
    }
    List<Node> children = new ArrayList<>();
    if (entry != null && ConfigNormalizer.isModel(entry)) {
      // every layer of a nested model, weights or not; weights are matched by inner layer name
      List<Rel> all = new ArrayList<>();
      byChild.forEach((child, list) -> list.forEach(
          r -> all.add(new Rel(r.index(), child + "/" + r.rel(), r.layer()))));
      container(entry, path + "/layers/", all, layer, topWeights, where, children);
      Set<String> inner = new java.util.HashSet<>();
      for (JsonNode l : V3WeightStore.containerEntries(entry)) {
        inner.add(ConfigNormalizer.layerName(l));
      }
      for (String child : byChild.keySet()) {
        if (!inner.contains(child)) {
          throw unknownChild(where, layer, entry, child);
        }
      }
    } else {
      for (Map.Entry<String, List<Rel>> c : byChild.entrySet()) {
        Child ch = child(entry, c.getKey(), where, layer);
        children.add(place(path + "/" + ch.attribute(), c.getKey(), ch.entry(), layer,
            c.getValue(), topWeights, where));
      }
    }
    return new Node(path, name, entry, layer, own, children);
  }

  private record Child(String attribute, JsonNode entry) {}

  private static Child child(JsonNode entry, String childName, String where, String layer) {
    String cls = entry == null ? "" : entry.path("class_name").asText();
    JsonNode cfg = entry == null ? null : entry.path("config");
    if (cls.equals("Bidirectional")) {
      JsonNode fwd = cfg.path("layer");
      JsonNode bwd = cfg.path("backward_layer").isObject() ? cfg.path("backward_layer") : fwd;
      if (childName.startsWith("forward_")) {
        return new Child("forward_layer", fwd);
      }
      return new Child("backward_layer", bwd);
    }
    if (cls.equals("StackedRNNCells")) {
      // the cells list: Keras saves a list by snake_case class name, made unique in order
      List<JsonNode> cells = new ArrayList<>();
      cfg.path("cells").forEach(cells::add);
      List<String> names = V3WeightStore.containerNames(cells);
      for (int i = 0; i < cells.size(); i++) {
        if (childName.equals(cells.get(i).path("config").path("name").asText())) {
          return new Child("cells/" + names.get(i), cells.get(i));
        }
      }
    }
    if (CELL_OWNERS.contains(cls)) {
      JsonNode cell = cfg.path("cell");
      return new Child("cell", cell.isObject() && cell.has("class_name") ? cell : entry);
    }
    if (cfg != null && cfg.path("layer").isObject() && cfg.path("layer").has("class_name")) {
      return new Child("layer", cfg.path("layer"));
    }
    throw unknownChild(where, layer, entry, childName);
  }

  private static UnsupportedFeatureException unknownChild(String where, String layer,
      JsonNode entry, String child) {
    return new UnsupportedFeatureException(where + ": layer '" + layer + "' ("
        + (entry == null ? "?" : entry.path("class_name").asText()) + ") has weights in a"
        + " sub-object '" + child + "' whose place in Keras's .keras weights layout is not known"
        + " to KerasBridge; this model cannot be written as .keras");
  }

  /** Every node of the tree, depth first, parents before children. */
  static List<Node> flatten(List<Node> roots) {
    List<Node> out = new ArrayList<>();
    for (Node n : roots) {
      out.add(n);
      out.addAll(flatten(n.children()));
    }
    return out;
  }
}
