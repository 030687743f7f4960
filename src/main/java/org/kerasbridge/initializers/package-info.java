/** Keras's weight initializers (glorot, he, lecun, orthogonal, ...) for models built in Java. */
package org.kerasbridge.initializers;
