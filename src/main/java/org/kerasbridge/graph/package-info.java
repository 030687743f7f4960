/**
 * Ownership of TensorFlow Java's native resources: device requests and placement, session
 * configuration through {@link org.tensorflow.proto.ConfigProto}, and (as layers arrive) graph
 * and session wrappers that close deterministically.
 */
package org.kerasbridge.graph;
