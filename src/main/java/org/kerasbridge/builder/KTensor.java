package org.kerasbridge.builder;

/**
 * A symbolic tensor of a functional model being built: output {@code tensor} of call
 * {@code node} of {@code layer}, as Keras's {@code keras_history}.
 */
public record KTensor(ModelBuilder graph, String layer, int node, int tensor) {}
