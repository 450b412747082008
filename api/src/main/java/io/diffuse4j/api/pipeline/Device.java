package io.diffuse4j.api.pipeline;

/**
 * Where the models run.
 *
 * @param kind {@code cpu} or {@code cuda}
 * @param index the GPU ordinal for cuda, 0 for cpu
 * @param fallbackToCpu when the GPU can't be used, run on CPU with a warning instead of failing
 */
public record Device(String kind, int index, boolean fallbackToCpu) {

  /** The CPU. */
  public static final Device CPU = new Device("cpu", 0, false);

  /** Checks the kind. */
  public Device {
    if (!"cpu".equals(kind) && !"cuda".equals(kind)) {
      throw new IllegalArgumentException("Unknown device '" + kind + "': use cpu, cuda or cuda:N");
    }
    if (index < 0) {
      throw new IllegalArgumentException("Device index must be >= 0, got " + index);
    }
  }

  /** Parses {@code cpu}, {@code cuda} or {@code cuda:N}. */
  public static Device parse(String text) {
    String t = text.trim().toLowerCase(java.util.Locale.ROOT);
    if (t.equals("cpu")) {
      return CPU;
    }
    if (t.equals("cuda") || t.equals("gpu")) {
      return new Device("cuda", 0, false);
    }
    if (t.startsWith("cuda:")) {
      try {
        return new Device("cuda", Integer.parseInt(t.substring(5)), false);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("Bad device '" + text + "': the GPU index after 'cuda:' must be a number");
      }
    }
    throw new IllegalArgumentException("Unknown device '" + text + "': use cpu, cuda or cuda:N");
  }

  /** This device, falling back to CPU when it is unavailable. */
  public Device withFallbackToCpu(boolean fallback) {
    return new Device(kind, index, fallback);
  }

  /** Whether this is the CPU. */
  public boolean isCpu() {
    return "cpu".equals(kind);
  }

  @Override
  public String toString() {
    return isCpu() ? "cpu" : "cuda:" + index;
  }
}
