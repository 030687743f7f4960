/**
 * Keras's merge layers: {@code Add}, {@code Subtract}, {@code Multiply}, {@code Average},
 * {@code Maximum}, {@code Minimum} (elementwise, on the shared {@link
 * org.kerasbridge.layers.merge.Merge} base, as Keras 3's {@code base_merge.py}),
 * {@code Concatenate} and {@code Dot}. They take a list of inputs, combine the input masks as
 * Keras 3 does (OR for the elementwise merges, a concatenated mask for Concatenate, none for
 * Dot), and apply the masked forms of Multiply, Maximum and Minimum.
 */
package org.kerasbridge.layers.merge;
