package org.kerasbridge.spark;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.kerasbridge.model.InferenceModel;
import org.kerasbridge.model.TensorSpec;
import org.kerasbridge.ndarray.NpyArray;

/**
 * One loaded model shared by the tasks of a JVM.
 *
 * <p>The core lets one {@link InferenceModel} predict from several threads at once (see the
 * thread-safety rules in its Javadoc: tracing a new input shape and stateful models are
 * serialized inside the model), so the tasks of a JVM call it concurrently. A read/write lock
 * only keeps {@link #close} from closing the model under a running call.
 */
public final class SharedModel implements AutoCloseable {
  private final String path;
  private final String checksum;
  private final InferenceModel model;
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
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

  /** {@link InferenceModel#predict(List, int)}; callers run concurrently. */
  public List<NpyArray> predict(List<NpyArray> inputs, int batchSize) {
    lock.readLock().lock();
    try {
      if (closed) {
        throw new KerasSparkException("model " + path + " was closed (the JVM is stopping)");
      }
      return model.predict(inputs, batchSize);
    } finally {
      lock.readLock().unlock();
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
      locked = lock.writeLock().tryLock(30, TimeUnit.SECONDS);
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
        lock.writeLock().unlock();
      }
    }
  }
}
