package io.diffuse4j.samples.cli.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

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

  /**
   * Where the JVM's share of the RSS is, into {@code out} (MB): heap committed and used, non-heap
   * committed (metaspace, code cache), direct byte buffers, thread count, and the current RSS.
   */
  public static void javaMemory(ObjectNode out) {
    MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    MemoryUsage nonHeap = ManagementFactory.getMemoryMXBean().getNonHeapMemoryUsage();
    out.put("heap_committed", mb(heap.getCommitted()));
    out.put("heap_used", mb(heap.getUsed()));
    out.put("non_heap_committed", mb(nonHeap.getCommitted()));
    double direct = 0;
    for (BufferPoolMXBean b : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
      if ("direct".equals(b.getName())) {
        direct = mb(b.getMemoryUsed());
      }
    }
    out.put("direct_buffers", direct);
    out.put("threads", ManagementFactory.getThreadMXBean().getThreadCount());
    out.put("rss_now", currentMb());
    smaps(out.putObject("rss_by_mapping"), heap.getCommitted());
  }

  /**
   * The current RSS by kind of mapping, from {@code /proc/self/smaps} (MB): the Java heap (the
   * anonymous mapping of the committed heap's size), other anonymous memory (native allocations:
   * ONNX Runtime, malloc arenas, thread stacks, the JVM's own), native libraries, and other files
   * (jars, the class-data archive). Empty where the file is missing.
   */
  static void smaps(ObjectNode out, long heapCommitted) {
    List<String> lines;
    try {
      lines = Files.readAllLines(Path.of("/proc/self/smaps"));
    } catch (IOException | RuntimeException e) {
      return;
    }
    Map<String, Long> kb = new TreeMap<>();
    String kind = "other";
    for (String line : lines) {
      if (line.matches("^[0-9a-f]+-[0-9a-f]+ .*")) {
        String[] f = line.trim().split("\\s+", 6);
        String[] range = f[0].split("-");
        long size = Long.parseUnsignedLong(range[1], 16) - Long.parseUnsignedLong(range[0], 16);
        String path = f.length > 5 ? f[5] : "";
        if (path.isEmpty() || path.startsWith("[")) {
          kind = f[1].startsWith("rw") && Math.abs(size - heapCommitted) <= (8L << 20) ? "java_heap" : "anonymous";
        } else if (path.contains(".so")) {
          kind = "native_libraries";
        } else {
          kind = "other_files";
        }
      } else if (line.startsWith("Rss:")) {
        kb.merge(kind, Long.parseLong(line.substring(4).trim().split("\\s+")[0]), Long::sum);
      }
    }
    kb.forEach((k, v) -> out.put(k, Math.round(v / 1024.0 * 10) / 10.0));
  }

  private static double mb(long bytes) {
    return Math.round(bytes / 1048576.0 * 10) / 10.0;
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
