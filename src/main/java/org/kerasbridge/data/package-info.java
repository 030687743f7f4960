/**
 * Datasets and the array preparation the tutorials need.
 *
 * <p>{@link org.kerasbridge.data.Mnist} and {@link org.kerasbridge.data.FashionMnist} return the
 * same uint8 arrays as {@code keras.datasets.mnist.load_data()} and
 * {@code keras.datasets.fashion_mnist.load_data()}. They read, in order: a directory of IDX files
 * (an option, or {@code $MNIST_DIR} / {@code $FASHION_MNIST_DIR}), Keras's own cache under
 * {@code $KERAS_HOME/datasets} (default {@code ~/.keras/datasets}), and otherwise download into
 * that cache from Keras's source, verifying the sha256 before the file is renamed into place
 * ({@link org.kerasbridge.data.DatasetLoader}).
 *
 * <p>{@link org.kerasbridge.data.Preprocess} scales, reshapes, one-hot encodes, shuffles and
 * noises those arrays over primitive arrays in bulk; {@link org.kerasbridge.data.Batches} cuts
 * them into mini-batches.
 */
package org.kerasbridge.data;
