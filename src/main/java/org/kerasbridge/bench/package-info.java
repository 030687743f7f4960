/** Benchmarks run side by side with Python Keras by {@code bench/run.sh}; not tests. */
package org.kerasbridge.bench;
