/**
 * Checking outputs against reference arrays that Python Keras produced: elementwise comparison
 * with stated absolute and relative tolerances, and a one-line report per output.
 */
package org.kerasbridge.parity;
