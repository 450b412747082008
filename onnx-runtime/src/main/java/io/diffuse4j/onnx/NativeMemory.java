package io.diffuse4j.onnx;

import java.util.Locale;

/**
 * Hands native memory that is free again back to the operating system, after a model load.
 *
 * <p>Creating ONNX Runtime sessions allocates and frees about as much native memory as the weights
 * (the parsed model, copies made while optimizing). When the parts load on several threads, glibc's
 * {@code malloc} keeps what each thread freed in that thread's arena, where the thread that later runs
 * the model never reuses it: measured on an SD-1.5-shaped model, 240–300 MB stayed resident after the
 * load and on top of the run's peak (docs/PERFORMANCE.md). {@code malloc_trim(0)} returns those free
 * pages; it changes no setting and frees nothing in use. It takes 35–50 ms there.
 *
 * <p>Only on Linux with glibc, through JNA; elsewhere (or when JNA or {@code malloc_trim} is missing)
 * {@link #releaseFree()} does nothing and says so. Thread-safe.
 */
public final class NativeMemory {

  private NativeMemory() {}

  /** Whether {@code malloc_trim} was called (false where it does not exist). */
  public static boolean releaseFree() {
    if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux")) {
      return false;
    }
    try {
      com.sun.jna.NativeLibrary.getInstance("c").getFunction("malloc_trim").invokeInt(new Object[] {0L});
      return true;
    } catch (UnsatisfiedLinkError | NoClassDefFoundError | RuntimeException e) {
      return false; // musl and other C libraries have no malloc_trim: nothing to release this way
    }
  }
}
