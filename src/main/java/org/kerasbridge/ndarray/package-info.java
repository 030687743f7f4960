/**
 * Arrays at KerasBridge's edges: {@link org.kerasbridge.ndarray.NpyArray} (little-endian C-order
 * bytes with a dtype and shape, viewable as TF Java NdArrays and copied into Tensors in one
 * bulk copy), and numpy's {@code .npy}/{@code .npz} files.
 */
package org.kerasbridge.ndarray;
