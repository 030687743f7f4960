package org.kerasbridge.spark;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.kerasbridge.KerasBridge;
import org.kerasbridge.KerasBridgeException;
import org.kerasbridge.graph.Device;
import org.kerasbridge.model.InferenceModel;

/**
 * The models loaded in this JVM, one per (path, content checksum, device), shared by every task
 * and partition that scores with them, and closed when the JVM stops (a shutdown hook) or on
 * {@link #closeAll()}.
 *
 * <p>A model on a non-local Hadoop file system (HDFS, S3A, ABFS, GCS, ...) is copied once to a
 * local temporary directory, since TensorFlow and the Keras readers read local files. The copy's
 * checksum must equal the one the driver computed when the job started: a model file replaced
 * while a job runs fails the job instead of scoring half of it with another model.
 *
 * <p>Loading happens once per key even when several tasks ask at the same time (they wait for
 * the first). A failed load is not cached: it is reported to every waiting task, and a later job
 * tries again.
 */
public final class ModelCache {
  private static final Map<Key, Holder> MODELS = new ConcurrentHashMap<>();
  /** Content checksums by the file listing's (path, length, modification time) signature. */
  private static final Map<String, String> CHECKSUMS = new ConcurrentHashMap<>();
  private static final List<Path> TEMP_DIRS = new ArrayList<>();
  private static final java.util.concurrent.atomic.AtomicInteger LOADS =
      new java.util.concurrent.atomic.AtomicInteger();
  private static boolean hookInstalled;

  private ModelCache() {}

  /** What identifies a loaded model. */
  public record Key(String path, String checksum, String device) {}

  private static final class Holder {
    private final Key key;
    private SharedModel model;

    Holder(Key key) {
      this.key = key;
    }

    synchronized SharedModel get(Configuration conf) {
      if (model == null || model.isClosed()) {
        model = load(key, conf);
      }
      return model;
    }

    synchronized void close() {
      if (model != null) {
        model.close();
        model = null;
      }
    }
  }

  /**
   * The model at {@code path} (any Hadoop-compatible path), loaded on {@code device} once per
   * JVM. {@code checksum} is what {@link #checksum} gave on the driver; the loaded bytes must
   * have it.
   *
   * @throws KerasSparkException when the model cannot be read or loaded (with the loader's
   *     message), or its content no longer has {@code checksum}
   */
  public static SharedModel get(String path, String checksum, String device, Configuration conf) {
    installShutdownHook();
    Key key = new Key(path, checksum, device);
    Holder h = MODELS.computeIfAbsent(key, Holder::new);
    try {
      return h.get(conf);
    } catch (RuntimeException e) {
      MODELS.remove(key, h);
      throw e;
    }
  }

  /** How many models this JVM holds open (for tests and monitoring). */
  public static int size() {
    int n = 0;
    for (Holder h : MODELS.values()) {
      synchronized (h) {
        n += h.model != null && !h.model.isClosed() ? 1 : 0;
      }
    }
    return n;
  }

  /** How many models this JVM has loaded since it started (for tests and monitoring). */
  public static int loadCount() {
    return LOADS.get();
  }

  /** Closes every cached model and deletes local copies; later calls load again. */
  public static void closeAll() {
    for (Map.Entry<Key, Holder> e : MODELS.entrySet()) {
      e.getValue().close();
      MODELS.remove(e.getKey(), e.getValue());
    }
    synchronized (TEMP_DIRS) {
      for (Path d : TEMP_DIRS) {
        deleteRecursively(d);
      }
      TEMP_DIRS.clear();
    }
  }

  private static synchronized void installShutdownHook() {
    if (!hookInstalled) {
      Runtime.getRuntime().addShutdownHook(new Thread(ModelCache::closeAll,
          "kerasbridge-spark-model-cache-close"));
      hookInstalled = true;
    }
  }

  /**
   * A SHA-256 of the model's content (for a SavedModel directory, of every file's relative path
   * and bytes), remembered by the listing's paths, lengths and modification times so that
   * repeated calls cost one metadata listing.
   */
  public static String checksum(String path, Configuration conf) {
    org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(path);
    try {
      FileSystem fs = p.getFileSystem(conf);
      List<FileStatus> files = listFiles(fs, p);
      StringBuilder sig = new StringBuilder(fs.makeQualified(p).toString());
      for (FileStatus f : files) {
        sig.append('\n').append(f.getPath()).append(' ').append(f.getLen()).append(' ')
            .append(f.getModificationTime());
      }
      String known = CHECKSUMS.get(sig.toString());
      if (known != null) {
        return known;
      }
      MessageDigest md = sha256();
      String root = fs.makeQualified(p).toString();
      byte[] buf = new byte[1 << 16];
      for (FileStatus f : files) {
        String rel = f.getPath().toString().substring(Math.min(root.length(),
            f.getPath().toString().length()));
        md.update(rel.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        md.update((byte) 0);
        try (InputStream in = fs.open(f.getPath())) {
          for (int n; (n = in.read(buf)) > 0; ) {
            md.update(buf, 0, n);
          }
        }
      }
      String sum = HexFormat.of().formatHex(md.digest());
      CHECKSUMS.put(sig.toString(), sum);
      return sum;
    } catch (java.io.FileNotFoundException e) {
      throw new KerasSparkException("model " + path + ": no such file or directory");
    } catch (IOException e) {
      throw new KerasSparkException("model " + path + ": cannot be read: " + e.getMessage(), e);
    }
  }

  /** The files of {@code p}: itself, or every file under it (sorted by path) for a directory. */
  private static List<FileStatus> listFiles(FileSystem fs, org.apache.hadoop.fs.Path p)
      throws IOException {
    FileStatus st = fs.getFileStatus(fs.makeQualified(p));
    List<FileStatus> out = new ArrayList<>();
    if (st.isFile()) {
      out.add(st);
      return out;
    }
    RemoteIterator<LocatedFileStatus> it = fs.listFiles(st.getPath(), true);
    while (it.hasNext()) {
      out.add(it.next());
    }
    out.sort(Comparator.comparing(f -> f.getPath().toString()));
    return out;
  }

  private static SharedModel load(Key key, Configuration conf) {
    Device device;
    try {
      device = Device.parse(key.device());
    } catch (KerasBridgeException e) {
      throw new KerasSparkException("device '" + key.device() + "': " + e.getMessage(), e);
    }
    Path local = localCopy(key.path(), conf);
    String sum = checksum(local.toUri().toString(), conf);
    if (key.checksum() != null && !key.checksum().equals(sum)) {
      throw new KerasSparkException("model " + key.path() + " changed since the job started "
          + "(SHA-256 " + key.checksum() + " on the driver, " + sum + " here)");
    }
    InferenceModel m;
    try {
      m = KerasBridge.load(local, device);
    } catch (KerasBridgeException e) {
      throw new KerasSparkException("model " + key.path() + " cannot be loaded: "
          + e.getMessage(), e);
    }
    LOADS.incrementAndGet();
    return new SharedModel(key.path(), sum, m);
  }

  /** {@code path} itself when it is on the local file system, otherwise a local copy. */
  private static Path localCopy(String path, Configuration conf) {
    org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(path);
    try {
      FileSystem fs = p.getFileSystem(conf);
      if ("file".equals(fs.getUri().getScheme())) {
        Path local = Path.of(fs.makeQualified(p).toUri());
        if (!Files.exists(local)) {
          throw new KerasSparkException("model " + path + ": no such file or directory");
        }
        return local;
      }
      Path dir = Files.createTempDirectory("kerasbridge-spark-");
      synchronized (TEMP_DIRS) {
        TEMP_DIRS.add(dir);
      }
      String name = p.getName().isEmpty() ? "model" : p.getName();
      Path local = dir.resolve(name);
      fs.copyToLocalFile(false, p, new org.apache.hadoop.fs.Path(local.toUri()), true);
      return local;
    } catch (java.io.FileNotFoundException e) {
      throw new KerasSparkException("model " + path + ": no such file or directory");
    } catch (IOException e) {
      throw new KerasSparkException("model " + path + ": cannot be copied to a local file: "
          + e.getMessage(), e);
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void deleteRecursively(Path dir) {
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // best effort: a temporary copy left behind is harmless
    }
  }
}
