/** Keras's mean metrics (accuracy variants, mae, mse) as per-sample graph values. */
package org.kerasbridge.metrics;
