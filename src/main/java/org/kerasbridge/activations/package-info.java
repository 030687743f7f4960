/** Keras activation functions by name, with Keras 3 definitions and Keras 2 variants. */
package org.kerasbridge.activations;
