/** TensorFlow SavedModels: loading through {@code SavedModelBundle}, signatures, calls by name. */
package org.kerasbridge.io.savedmodel;
