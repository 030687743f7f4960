/**
 * KerasBridge: load Keras models (.keras, .h5, SavedModel) into TensorFlow Java, run and train
 * them, and check the results against numbers Python Keras produced.
 *
 * <p>The root package holds the exception hierarchy; every deliberate error is a {@link
 * org.kerasbridge.KerasBridgeException}.
 */
package org.kerasbridge;
