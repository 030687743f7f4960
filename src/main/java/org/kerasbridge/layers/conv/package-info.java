/**
 * Keras's convolution layers: Conv1D/2D ({@link org.kerasbridge.layers.conv.BaseConv}),
 * Conv1D/2DTranspose ({@link org.kerasbridge.layers.conv.BaseConvTranspose}), DepthwiseConv1D/2D
 * and SeparableConv1D/2D, one file per Keras class over shared bases that mirror Keras's
 * {@code base_conv.py} family. {@link org.kerasbridge.layers.conv.Window} holds the kernel
 * window and TensorFlow's output-length rules, {@link org.kerasbridge.layers.conv.DataFormat}
 * the channels-first/last layout, and {@link org.kerasbridge.layers.conv.Spatial} the move to the
 * 4-D NHWC tensors every op runs on (1-D layers add a unit height, as TensorFlow's own 1-D ops
 * do; channels-first tensors are transposed in and out, since TensorFlow's CPU kernels are
 * NHWC). Tensors between layers always keep Keras's layout.
 */
package org.kerasbridge.layers.conv;
