package io.diffuse4j.textencoder.tokenizer;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps DJL from contacting the network without touching the host JVM's system properties.
 * DJL's {@code Ec2Utils.callHome}, run whenever a Hugging Face tokenizer is created, queries the
 * EC2 metadata service and a telemetry URL unless {@code OPT_OUT_TRACKING} or offline mode is set,
 * and then at most once a day (its {@code lastCheckIn} time). Instead of setting those JVM-wide
 * properties for the whole application, this marks DJL's own check-in as done for good, so
 * {@code callHome} returns at once. The tokenizer's native library comes from the tokenizers jar
 * (linux x64/aarch64, macOS arm64, windows x64), so nothing is downloaded either. Users who set
 * {@code OPT_OUT_TRACKING} / {@code ai.djl.offline} themselves keep their settings.
 *
 * Called before anything of DJL's starts: the tokenizer, and DJL engines that run model parts
 * (which may load in parallel with the tokenizer).
 *
 * <p>Thread-safe and idempotent.
 */
public final class DjlOffline {

  private static final Logger LOG = LoggerFactory.getLogger(DjlOffline.class);
  static final String EC2_UTILS = "ai.djl.util.Ec2Utils";
  static final String LAST_CHECK_IN = "lastCheckIn";

  private DjlOffline() {}

  /**
   * Marks DJL's telemetry check-in as done.
   *
   * @throws IllegalStateException when this DJL version has no such flag (a DJL upgrade changed it);
   *     better to refuse than to let a tokenizer call home
   */
  public static void ensure() {
    try {
      Class<?> ec2 = Class.forName(EC2_UTILS, true, DjlOffline.class.getClassLoader());
      Field f = ec2.getDeclaredField(LAST_CHECK_IN);
      if (!Modifier.isStatic(f.getModifiers()) || f.getType() != long.class) {
        throw new NoSuchFieldException(LAST_CHECK_IN + " is not a static long");
      }
      f.setAccessible(true);
      synchronized (DjlOffline.class) {
        if (f.getLong(null) != Long.MAX_VALUE) {
          // callHome returns while now - lastCheckIn < one day: with MAX_VALUE the difference is always negative
          f.setLong(null, Long.MAX_VALUE);
          LOG.debug("DJL telemetry check-in disabled for this class loader");
        }
      }
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new IllegalStateException("Cannot keep DJL offline: " + EC2_UTILS + "." + LAST_CHECK_IN
          + " is not accessible in this DJL version (" + e + "); use the ai.djl.huggingface:tokenizers version"
          + " that diffuse4j's BOM names", e);
    }
  }
}
