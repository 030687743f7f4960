/** Keras's L1, L2 and L1L2 regularizers, for kernels, biases and activities. */
package org.kerasbridge.regularizers;
