package org.kerasbridge.graph;

import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps TensorFlow's native INFO and WARNING chatter ({@code oneDNN custom operations are on},
 * {@code This TensorFlow binary is optimized to use available CPU instructions ...}) out of the
 * output of programs using KerasBridge.
 *
 * <p>TensorFlow reads {@code TF_CPP_MIN_LOG_LEVEL} from the process environment once, while its
 * library loads, and Java cannot change its own environment. So before the natives load, {@link
 * #configure()} sets {@code TF_CPP_MIN_LOG_LEVEL=2} (errors only) with the C library's {@code
 * putenv}, called through JavaCPP's own small JNI library ({@code jnijavacpp}). Nothing is changed
 * when the variable is already set (so {@code TF_CPP_MIN_LOG_LEVEL=0} brings TF's logs back), when
 * system property {@value #VERBOSE_PROPERTY} is {@code true} (the CLI's {@code --verbose}), or
 * when TensorFlow is already loaded; a failure only logs at DEBUG.
 *
 * <p>Not covered: two lines TensorFlow writes through a private copy of Abseil logging linked
 * into {@code libtensorflow_cc} ({@code WARNING: All log messages before absl::InitializeLog() is
 * called are written to STDERR} and {@code ... MLIR V1 optimization pass is not enabled}). They
 * ignore {@code TF_CPP_MIN_LOG_LEVEL} and their switches are not exported from the library, so
 * no process can turn them off from outside; {@code bin/kerasbridge} filters exactly these two
 * lines from its stderr.
 */
public final class NativeLogging {
  /** {@code -Dkerasbridge.tf.verbose=true}: leave TensorFlow's native logging as it is. */
  public static final String VERBOSE_PROPERTY = "kerasbridge.tf.verbose";

  private static final Logger LOG = LoggerFactory.getLogger(NativeLogging.class);
  private static final String SETTING = "TF_CPP_MIN_LOG_LEVEL=2";
  private static boolean done;
  /** The putenv string: the C library keeps a pointer to it, so it is never freed. */
  @SuppressWarnings("unused")
  private static Pointer keep;

  private NativeLogging() {}

  /** Quiets TensorFlow's native logging if nothing asked otherwise; idempotent and cheap. */
  public static synchronized void configure() {
    if (done) {
      return;
    }
    done = true;
    if (System.getenv("TF_CPP_MIN_LOG_LEVEL") != null || Boolean.getBoolean(VERBOSE_PROPERTY)) {
      return;
    }
    try {
      Loader.load(org.bytedeco.javacpp.presets.javacpp.class);
      if (Loader.getLoadedLibraries().keySet().stream()
          .anyMatch(k -> k.startsWith("tensorflow"))) {
        LOG.debug("TensorFlow natives already loaded; TF_CPP_MIN_LOG_LEVEL left unset");
        return;
      }
      Pointer putenv = Loader.addressof("putenv");
      if (putenv == null || putenv.isNull()) {
        LOG.debug("no putenv in this process; TF_CPP_MIN_LOG_LEVEL left unset");
        return;
      }
      byte[] text = (SETTING + "\0").getBytes(StandardCharsets.US_ASCII);
      Pointer mem = Pointer.malloc(text.length);
      new BytePointer(mem).capacity(text.length).put(text);
      keep = mem;
      callWithPointer(putenv.address(), mem.address());
      LOG.debug("set {} before loading TensorFlow", SETTING);
    } catch (Throwable t) { // a missing native or a module boundary: only the chatter remains
      LOG.debug("could not set {}: {}", SETTING, t.toString());
    }
  }

  /**
   * Calls the C function {@code void f(void*)} at {@code function} with {@code argument}. JavaCPP
   * has exactly this call for native deallocators (a pointer's owner address handed to the
   * deallocator function's address); a throwaway Pointer with that "deallocator" is deallocated.
   */
  private static void callWithPointer(long function, long argument) throws Exception {
    Method init = Pointer.class.getDeclaredMethod("init", long.class, long.class, long.class,
        long.class);
    init.setAccessible(true);
    Pointer call = new Pointer();
    init.invoke(call, argument, 0L, argument, function);
    call.deallocate();
  }
}
