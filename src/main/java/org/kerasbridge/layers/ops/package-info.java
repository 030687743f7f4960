/** Keras ops recorded as nodes of Functional graphs (mostly the mask plumbing of Keras 3). */
package org.kerasbridge.layers.ops;
