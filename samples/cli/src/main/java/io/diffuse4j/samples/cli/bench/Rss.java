package io.diffuse4j.samples.cli.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The process's peak resident set size, from {@code /proc/self/status} (Linux). Thread-safe. */
public final class Rss {

  private Rss() {}

  /** {@code VmHWM} in MB, or -1 where {@code /proc/self/status} is missing (not Linux). */
  public static double peakMb() {
    return field("VmHWM:");
  }

  /** {@code VmRSS} in MB, or -1 where {@code /proc/self/status} is missing. */
  public static double currentMb() {
    return field("VmRSS:");
  }

  private static double field(String name) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith(name)) {
          return Math.round(Long.parseLong(line.substring(name.length()).trim().split("\\s+")[0]) / 1024.0 * 10) / 10.0;
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }
}
