/**
 * The Keras 3 native format: {@code .keras} archives (config.json, metadata.json,
 * model.weights.h5), their unzipped directory form, and {@code .weights.h5} files read with a
 * config JSON ({@link org.kerasbridge.io.keras.KerasV3Reader}).
 */
package org.kerasbridge.io.keras;
