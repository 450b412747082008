package io.diffuse4j.samples.cli.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;

/**
 * The GPU memory a process holds, as NVIDIA's driver reports it ({@code nvidia-smi
 * --query-compute-apps=pid,used_memory}). ONNX Runtime's Java API does not expose its CUDA
 * arena, and the arena keeps the most it has held, so the figure at the end of a run is that
 * run's peak. The bench records it for {@code --device cuda} runs. Thread-safe.
 */
public final class GpuMemory {

  static final String[] QUERY = {"nvidia-smi", "--query-compute-apps=pid,used_memory", "--format=csv,noheader,nounits"};

  private GpuMemory() {}

  /**
   * MB of GPU memory held by process {@code pid}, summed over its GPUs; empty where {@code nvidia-smi}
   * is missing, fails, takes over 10 s, or does not list the process (no CUDA context, or a container
   * whose process ids the driver does not see).
   */
  public static OptionalDouble usedMb(long pid) {
    Process p;
    try {
      p = new ProcessBuilder(QUERY).redirectErrorStream(true).start();
    } catch (IOException e) {
      return OptionalDouble.empty();
    }
    try {
      p.getOutputStream().close();
      byte[] out = p.getInputStream().readNBytes(1 << 20);
      if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
        return OptionalDouble.empty();
      }
      return parse(new String(out, StandardCharsets.UTF_8), pid);
    } catch (IOException e) {
      return OptionalDouble.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return OptionalDouble.empty();
    } finally {
      p.destroyForcibly();
    }
  }

  /**
   * The sum of {@code used_memory} (MiB) over the lines of {@code csv} ({@code pid, used_memory} per
   * line, as {@code --format=csv,noheader,nounits} writes) whose pid is {@code pid}; empty when no
   * line names it with a number ({@code [N/A]}, as some drivers print, counts as no figure).
   */
  static OptionalDouble parse(String csv, long pid) {
    double sum = 0;
    boolean found = false;
    for (String line : csv.split("\\R")) {
      String[] f = line.split(",");
      if (f.length != 2) {
        continue;
      }
      try {
        if (Long.parseLong(f[0].trim()) != pid) {
          continue;
        }
        sum += Double.parseDouble(f[1].trim());
        found = true;
      } catch (NumberFormatException e) {
        // a header, "[N/A]" or a message: not a figure
      }
    }
    return found ? OptionalDouble.of(sum) : OptionalDouble.empty();
  }
}
