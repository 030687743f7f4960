/**
 * Building Keras models in Java: {@link org.kerasbridge.builder.ModelBuilder} (Sequential and
 * functional) and {@link org.kerasbridge.builder.Layers}, producing the Keras 3 config a Python
 * model of the same layers would have.
 */
package org.kerasbridge.builder;
