package org.kerasbridge.spark;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.kerasbridge.model.InferenceModel;
import org.kerasbridge.model.TensorSpec;
import org.kerasbridge.ndarray.NpyArray;

/**
 * One loaded model shared by the tasks of a JVM.
 *
 * <p>The core makes no promise that one {@link InferenceModel} may predict from several threads
 * at once: a {@code KerasModel} traces a new graph for an input shape it has not seen, into the
 * one TensorFlow graph its session runs, and a stateful model's state is shared. So tasks take
 * turns: {@link #predict} holds a per-model lock around the call. Only the TensorFlow call is
 * serialized; reading and converting rows, and building output rows, run in parallel across
 * tasks. TensorFlow itself spreads one call over all cores (its intra-op thread pool).
 */
public final class SharedModel implements AutoCloseable {
  private final String path;
  private final String checksum;
  private final InferenceModel model;
  private final ReentrantLock lock = new ReentrantLock();
  private volatile boolean closed;

  SharedModel(String path, String checksum, InferenceModel model) {
    this.path = path;
    this.checksum = checksum;
    this.model = model;
  }

  public String path() {
    return path;
  }

  /** SHA-256 of the loaded content. */
  public String checksum() {
    return checksum;
  }

  public List<TensorSpec> inputs() {
    return model.inputs();
  }

  public List<TensorSpec> outputs() {
    return model.outputs();
  }

  /** {@link InferenceModel#predict(List, int)}, one caller at a time. */
  public List<NpyArray> predict(List<NpyArray> inputs, int batchSize) {
    lock.lock();
    try {
      if (closed) {
        throw new KerasSparkException("model " + path + " was closed (the JVM is stopping)");
      }
      return model.predict(inputs, batchSize);
    } finally {
      lock.unlock();
    }
  }

  boolean isClosed() {
    return closed;
  }

  /**
   * Closes the model once the call in progress (if any) has finished; waits at most 30 s for
   * it, so a stopping JVM is not held up by a stuck task.
   */
  @Override
  public void close() {
    boolean locked = false;
    try {
      locked = lock.tryLock(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      if (!closed && locked) {
        closed = true;
        model.close();
      }
    } finally {
      if (locked) {
        lock.unlock();
      }
    }
  }
}
