package org.kerasbridge.data;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.kerasbridge.InvalidInputException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds a {@link Dataset} and reads it, trying in order:
 *
 * <ol>
 *   <li>the directory given to {@link #optDirectory}, else the one named by the dataset's
 *       environment variable ({@code MNIST_DIR}, {@code FASHION_MNIST_DIR}), holding the four
 *       IDX files. Once a directory is named, its errors are reported and nothing else is tried;
 *   <li>Keras's cache, {@code $KERAS_HOME/datasets} (default {@code ~/.keras/datasets}; like
 *       Keras, {@code /tmp/.keras/datasets} when that is not writable): {@code mnist.npz}, or the
 *       directory {@code fashion-mnist/} of four {@code .gz} files;
 *   <li>a download from Keras's source ({@link Dataset#KERAS_ORIGIN}) into that cache. Each file
 *       goes to a temporary file in the cache directory, is checked against its sha256, and only
 *       then renamed into place, so the cache never holds a partial or unverified file.
 * </ol>
 *
 * <p>Where Keras re-hashes a cached {@code mnist.npz} on every load, we check its structure
 * instead (keys, dtypes, shapes, label range): anything we put in the cache was verified on the
 * way in, and a damaged file still fails, with a message saying to delete it.
 *
 * <p>When every source fails, {@link DatasetUnavailableException} lists each place looked at and
 * how to provide the data.
 */
public final class DatasetLoader {
  private static final Logger LOG = LoggerFactory.getLogger(DatasetLoader.class);

  private final Dataset dataset;
  private final Map<String, String> sha256;
  private Path directory;
  private Path kerasHome;
  private URI origin = Dataset.KERAS_ORIGIN;
  private boolean download = true;
  private UnaryOperator<String> environment = System::getenv;

  DatasetLoader(Dataset dataset) {
    this.dataset = Objects.requireNonNull(dataset, "dataset");
    this.sha256 = new LinkedHashMap<>(dataset.remoteSha256());
  }

  /** Reads the four IDX files from this directory and nothing else. */
  public DatasetLoader optDirectory(Path idxDirectory) {
    this.directory = idxDirectory;
    return this;
  }

  /** Keras's home directory; default {@code $KERAS_HOME}, else {@code ~/.keras}. */
  public DatasetLoader optKerasHome(Path home) {
    this.kerasHome = home;
    return this;
  }

  /**
   * The folder URL the dataset's files are downloaded from (default {@link
   * Dataset#KERAS_ORIGIN}); {@code file:} URLs work too, for mirrors and tests.
   */
  public DatasetLoader optOrigin(URI folder) {
    String s = folder.toString();
    this.origin = s.endsWith("/") ? folder : URI.create(s + "/");
    return this;
  }

  /** Replaces the sha256 a downloaded file must have (for a mirror with a different file). */
  public DatasetLoader optSha256(String fileName, String sha256Hex) {
    if (!sha256.containsKey(fileName)) {
      throw new IllegalArgumentException(dataset.displayName() + " downloads "
          + sha256.keySet() + ", not " + fileName);
    }
    sha256.put(fileName, sha256Hex);
    return this;
  }

  /** With {@code false}, never touches the network: only the directory and the cache count. */
  public DatasetLoader optDownload(boolean allowed) {
    this.download = allowed;
    return this;
  }

  /** Where environment variables are read from; default {@link System#getenv(String)}. */
  public DatasetLoader optEnvironment(UnaryOperator<String> env) {
    this.environment = Objects.requireNonNull(env, "env");
    return this;
  }

  /** The Keras home in effect: the option, else {@code $KERAS_HOME}, else {@code ~/.keras}. */
  public Path kerasHome() {
    if (kerasHome != null) {
      return kerasHome;
    }
    String env = environment.apply("KERAS_HOME");
    if (env != null && !env.isBlank()) {
      return expandHome(env);
    }
    return Paths.get(System.getProperty("user.home"), ".keras");
  }

  /** Where this dataset sits in the cache: {@code <keras home>/datasets/<cache entry>}. */
  public Path cachePath() {
    return cacheDirs().get(0).resolve(dataset.cacheEntry());
  }

  public Mnist.Data load() {
    if (directory != null) {
      return Mnist.readIdxDirectory(directory);
    }
    List<String> looked = new ArrayList<>();
    looked.add("no directory option");
    String envDir = environment.apply(dataset.envVar());
    if (envDir != null && !envDir.isBlank()) {
      try {
        return Mnist.readIdxDirectory(expandHome(envDir));
      } catch (InvalidInputException e) {
        throw new InvalidInputException("$" + dataset.envVar() + "=" + envDir + ": "
            + e.getMessage(), e);
      }
    }
    looked.add("$" + dataset.envVar() + " not set");

    List<Path> dirs = cacheDirs();
    for (Path d : dirs) {
      Path entry = d.resolve(dataset.cacheEntry());
      if (complete(entry)) {
        return readCache(entry);
      }
      looked.add((dataset.cachedAsNpz() ? "no file " : "no complete directory ") + entry);
    }
    if (!download) {
      looked.add("downloading disabled");
      throw unavailable(looked);
    }
    Path entry = downloadIntoCache(dirs, looked);
    return readCache(entry);
  }

  private boolean complete(Path entry) {
    if (dataset.cachedAsNpz()) {
      return Files.isRegularFile(entry);
    }
    return Files.isDirectory(entry) && missingIdxFiles(entry).isEmpty();
  }

  private List<String> missingIdxFiles(Path dir) {
    List<String> missing = new ArrayList<>();
    for (String f : sha256.keySet()) {
      try {
        Mnist.findIdx(dir, f);
      } catch (InvalidInputException e) {
        missing.add(f);
      }
    }
    return missing;
  }

  private Mnist.Data readCache(Path entry) {
    try {
      return dataset.cachedAsNpz() ? Mnist.readNpz(entry) : Mnist.readIdxDirectory(entry);
    } catch (InvalidInputException e) {
      throw new InvalidInputException(e.getMessage() + " (this is in Keras's dataset cache; delete "
          + entry + " to download a fresh copy)", e);
    }
  }

  private Path downloadIntoCache(List<Path> dirs, List<String> looked) {
    Path dir = null;
    for (Path d : dirs) {
      try {
        Files.createDirectories(d);
        if (Files.isWritable(d)) {
          dir = d;
          break;
        }
      } catch (IOException e) {
        // not usable; Keras falls back to /tmp/.keras as well
      }
    }
    if (dir == null) {
      looked.add("no writable cache directory among " + dirs + " to download into");
      throw unavailable(looked);
    }
    Path entry = dir.resolve(dataset.cacheEntry());
    List<String> files = dataset.cachedAsNpz() ? List.of(dataset.cacheEntry())
        : missingIdxFiles(entry);
    for (String f : files) {
      URI url = origin.resolve(f);
      Path target = dataset.cachedAsNpz() ? entry : entry.resolve(f);
      LOG.info("Downloading {} from {} to {}", dataset.displayName(), url, target);
      try {
        Download.verified(url, target, sha256.get(f));
      } catch (Download.ChecksumMismatchException e) {
        looked.add("download rejected: " + e.getMessage());
        throw unavailable(looked);
      } catch (IOException | RuntimeException e) {
        looked.add("download of " + url + " failed (" + e.getClass().getSimpleName() + ": "
            + e.getMessage() + ")");
        throw unavailable(looked);
      }
    }
    return entry;
  }

  private DatasetUnavailableException unavailable(List<String> looked) {
    String idx = String.join(", ", Dataset.IDX_FILES);
    String keras = dataset.cachedAsNpz()
        ? "put Keras's " + dataset.cacheEntry() + " (sha256 "
            + sha256.get(dataset.cacheEntry()) + ") at " + cachePath()
        : "put the four files in " + cachePath();
    return new DatasetUnavailableException(dataset.displayName() + " is not available. Looked: "
        + String.join("; ", looked) + ". To provide it, set " + dataset.envVar()
        + " (or pass a directory) to a directory holding " + idx + " (uncompressed also"
        + " accepted), or " + keras + ", e.g. copied from a machine where keras.datasets."
        + (dataset == Dataset.MNIST ? "mnist" : "fashion_mnist")
        + ".load_data() has run.");
  }

  /** Keras's cache directories in the order Keras would use them. */
  private List<Path> cacheDirs() {
    Path home = kerasHome();
    List<Path> dirs = new ArrayList<>();
    dirs.add(home.resolve("datasets"));
    if (!writableOrCreatable(home)) {
      Path tmp = Paths.get("/tmp", ".keras", "datasets");
      if (!tmp.equals(dirs.get(0))) {
        dirs.add(tmp);
      }
    }
    return dirs;
  }

  private static boolean writableOrCreatable(Path p) {
    Path q = p.toAbsolutePath();
    while (q != null && !Files.exists(q)) {
      q = q.getParent();
    }
    return q != null && Files.isDirectory(q) && Files.isWritable(q);
  }

  private static Path expandHome(String p) {
    if (p.equals("~") || p.startsWith("~/")) {
      return Paths.get(System.getProperty("user.home") + p.substring(1));
    }
    return Paths.get(p);
  }
}
