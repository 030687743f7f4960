package org.kerasbridge.layers.core;

import org.kerasbridge.layers.DTypePolicy;
import org.kerasbridge.layers.LayerConfig;
import org.kerasbridge.layers.SingleInputLayer;
import org.tensorflow.ndarray.Shape;

/**
 * A layer that maps its input to an output of the same shape, passes the mask through, and is
 * written for every dtype policy (its ops run in the input's dtype): the identity-at-inference
 * layers (Identity, Dropout and the noise and augmentation layers) and Rescaling.
 */
abstract class ElementwiseLayer extends SingleInputLayer {
  ElementwiseLayer(LayerConfig c) {
    super(c);
  }

  @Override
  protected boolean supportsMasking() {
    return true;
  }

  @Override
  protected Shape computeOutputShape(Shape in) {
    return in;
  }

  @Override
  protected boolean supportsPolicy(DTypePolicy policy) {
    return true;
  }
}
