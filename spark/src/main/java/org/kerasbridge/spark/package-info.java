/**
 * Scoring Keras models on Apache Spark: {@link org.kerasbridge.spark.KerasModelTransformer}, a
 * Spark ML Transformer that scores rows in batches through {@code mapPartitions}, and the SQL
 * function {@code keras_predict} ({@link org.kerasbridge.spark.KerasBridgeSpark#register}).
 *
 * <p>Each JVM (driver or executor) loads a model once and shares it between its tasks
 * ({@link org.kerasbridge.spark.ModelCache}, keyed by path, content checksum and device); the
 * models are closed when the JVM stops.
 */
package org.kerasbridge.spark;
