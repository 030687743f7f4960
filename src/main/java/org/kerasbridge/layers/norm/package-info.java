/**
 * Keras's normalization layers: {@code BatchNormalization} (moving statistics at inference, batch
 * statistics and moving-average updates in a training graph) and {@code LayerNormalization}, each
 * computed with the exact op sequence of Keras 3's TensorFlow backend.
 */
package org.kerasbridge.layers.norm;
