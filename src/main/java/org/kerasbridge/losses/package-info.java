/** Keras 3's losses and reductions on TF Java ops. */
package org.kerasbridge.losses;
