/**
 * Keras's reshaping layers that move values without arithmetic (ZeroPadding1D/2D, Cropping1D/2D,
 * UpSampling1D, Reshape, Permute, RepeatVector) and UpSampling2D, whose non-nearest modes are
 * TensorFlow's image resize ops with the half-pixel semantics of {@code tf.image.resize}.
 * Flatten lives in {@code layers.core}. As in Keras 3, none of these layers passes a mask on.
 */
package org.kerasbridge.layers.reshaping;
