/**
 * Keras's pooling layers: windowed max and average pooling in 1-D and 2-D ({@link
 * org.kerasbridge.layers.pooling.BasePooling}, TensorFlow's {@code MaxPool}/{@code AvgPool} on
 * NHWC tensors, padding excluded from averages) and global max and average pooling ({@link
 * org.kerasbridge.layers.pooling.BaseGlobalPooling}), with {@code data_format}, {@code keepdims}
 * and, for GlobalAveragePooling1D, Keras 3's masked mean.
 */
package org.kerasbridge.layers.pooling;
