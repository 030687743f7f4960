package org.kerasbridge.layers;

/** A tensor in a Functional graph, as Keras names it: output {@code tensor} of {@code layer}'s call number {@code node}. */
public record TensorRef(String layer, int node, int tensor) {
  @Override
  public String toString() {
    return layer + "[" + node + "][" + tensor + "]";
  }
}
