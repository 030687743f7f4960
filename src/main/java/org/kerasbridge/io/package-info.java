/**
 * Model files in and out: {@link org.kerasbridge.io.ModelSpec} (a model file as a normalized
 * Keras 3 config plus weights by layer), {@link org.kerasbridge.io.ModelFiles} (format detection
 * by content and the one entry point for reading), {@link org.kerasbridge.io.ConfigNormalizer}
 * (the one config schema downstream code reads), the layer registry, and atomic writes.
 *
 * <p>Readers never build TensorFlow ops and never execute anything a file contains (a Lambda
 * layer's marshalled Python bytecode is kept as opaque text).
 */
package org.kerasbridge.io;
