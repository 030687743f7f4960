/**
 * Legacy HDF5 Keras files ({@code model.save("m.h5")}, Keras 1 to 3): the reader
 * ({@link org.kerasbridge.io.h5.H5ModelReader}), the Keras 1/2 to Keras 3 config translation
 * ({@link org.kerasbridge.io.h5.Keras2Translator}) and the jHDF helpers shared with the Keras 3
 * reader ({@link org.kerasbridge.io.h5.Hdf5}).
 */
package org.kerasbridge.io.h5;
