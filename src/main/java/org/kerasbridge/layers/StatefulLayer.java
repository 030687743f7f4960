package org.kerasbridge.layers;

import java.util.List;
import org.tensorflow.op.Op;

/** A layer that keeps state across calls (a {@code stateful=True} RNN) until it is reset. */
public interface StatefulLayer {
  /** Ops that set the state back to its initial value (zeros). */
  List<Op> resetOps();
}
