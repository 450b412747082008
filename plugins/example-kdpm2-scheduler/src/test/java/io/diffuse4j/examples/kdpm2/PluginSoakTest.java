package io.diffuse4j.examples.kdpm2;

import static org.assertj.core.api.Assertions.assertThat;

import io.diffuse4j.api.pipeline.DiffusionPipeline;
import io.diffuse4j.api.pipeline.GenerationRequest;
import io.diffuse4j.pipelines.Diffusion;
import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plugin soak of issue #13, in the normal test run: 200 load → generate (1 step of
 * {@code kdpm2} from the plugin jar) → close cycles of {@code test-models/sd15-tiny} with this
 * module's jar in the plugin folder, in a child JVM whose class path lacks this module's classes
 * (so every cycle loads the plugin from the jar, in a new class loader). The child pre-touches a
 * fixed heap, so RSS changes are native memory and metaspace, not heap growth.
 *
 * <p>Bounds (checked, and printed with the figures): RSS grows by less than {@value #RSS_BOUND_MB}
 * MB from the end of warm-up (cycles 30-50) to the end (cycles 180-200); the loaded class count by
 * less than {@value #CLASS_BOUND}; live threads by at most 2; and the JVM's class-unload log shows
 * the plugin's provider class unloaded from at least 190 of the 200 cycles' class loaders, which
 * happens only when nothing (no static cache, no Guice injector, no pipeline) still reaches the
 * class loader that closing the pipeline released.
 */
class PluginSoakTest {

  static final int CYCLES = 200;
  static final int RSS_BOUND_MB = 100;
  static final int CLASS_BOUND = 50;
  static final Path MODEL = Path.of("..", "..", "test-models", "sd15-tiny").toAbsolutePath().normalize();
  private static final Pattern SAMPLE =
      Pattern.compile("SOAK cycle=(\\d+) rss_kb=(\\d+) classes=(\\d+) unloaded=(\\d+) threads=(\\d+)");

  @TempDir Path dir;

  /** Child JVM: {@code args[0]} = plugin folder, {@code args[1]} = cycles. */
  public static void main(String[] args) throws Exception {
    try {
      Class.forName("io.diffuse4j.examples.kdpm2.Kdpm2SchedulerProvider");
      System.out.println("BAD the plugin's classes are on the host class path");
      System.exit(3);
    } catch (ClassNotFoundException expected) {
      // the plugin comes from the jar only
    }
    Path plugins = Path.of(args[0]);
    int cycles = Integer.parseInt(args[1]);
    long t0 = System.nanoTime();
    for (int c = 1; c <= cycles; c++) {
      try (DiffusionPipeline p = Diffusion.builder().model(MODEL).plugins(plugins).warnings(w -> { }).load()) {
        if (p.generate(GenerationRequest.builder("x").steps(1).size(64, 64).scheduler("kdpm2").seed(c).build())
            .images().size() != 1) {
          System.out.println("BAD no image");
          System.exit(3);
        }
      }
      if (c % 10 == 0) {
        System.gc();
        var cl = ManagementFactory.getClassLoadingMXBean();
        System.out.printf("SOAK cycle=%d rss_kb=%d classes=%d unloaded=%d threads=%d%n", c, rssKb(),
            cl.getLoadedClassCount(), cl.getUnloadedClassCount(), Thread.activeCount());
      }
    }
    System.out.printf("SOAK-DONE seconds=%.1f%n", (System.nanoTime() - t0) / 1e9);
  }

  private static long rssKb() throws IOException {
    for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (l.startsWith("VmRSS:")) {
        return Long.parseLong(l.replaceAll("\\D", ""));
      }
    }
    throw new IllegalStateException("no VmRSS in /proc/self/status");
  }

  @Test
  void twoHundredLoadGenerateCloseCyclesWithThePluginStayFlatAndReleaseItsClassLoaders() throws Exception {
    Path classes = Path.of("target", "classes").toAbsolutePath();
    Path plugins = Files.createDirectories(dir.resolve("plugins"));
    jar(classes, plugins.resolve("diffuse4j-example-kdpm2-scheduler.jar"));
    String cp = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(e -> !Path.of(e).toAbsolutePath().equals(classes)).reduce((a, b) -> a + File.pathSeparator + b)
        .orElseThrow();
    Path unloadLog = dir.resolve("unload.log");
    Process proc = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xms256m", "-Xmx256m", "-XX:+AlwaysPreTouch", "-Xlog:class+unload=info:file=" + unloadLog, "-cp", cp,
        PluginSoakTest.class.getName(), plugins.toString(), Integer.toString(CYCLES))
        .redirectErrorStream(true).start();
    String out = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(proc.waitFor(600, TimeUnit.SECONDS)).isTrue();
    System.out.print(out);
    assertThat(proc.exitValue()).as(out).isZero();
    assertThat(out).doesNotContain("BAD").contains("SOAK-DONE");

    List<long[]> samples = new ArrayList<>();
    Matcher m = SAMPLE.matcher(out);
    while (m.find()) {
      samples.add(new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3)),
          Long.parseLong(m.group(4)), Long.parseLong(m.group(5))});
    }
    assertThat(samples).hasSize(CYCLES / 10);
    long warmRss = median(samples, 2, 5, 1);   // cycles 30, 40, 50
    long endRss = median(samples, 17, 20, 1);  // cycles 180, 190, 200
    long warmClasses = samples.get(4)[2];
    long endClasses = samples.get(samples.size() - 1)[2];
    long warmThreads = samples.get(4)[4];
    long endThreads = samples.get(samples.size() - 1)[4];
    long unloadedProviders;
    try (Stream<String> lines = Files.lines(unloadLog)) {
      unloadedProviders = lines.filter(l -> l.contains("io.diffuse4j.examples.kdpm2.Kdpm2SchedulerProvider ")).count();
    }
    System.out.printf("PLUGIN-SOAK cycles=%d rss_mb warm=%.1f end=%.1f growth=%.1f (bound %d); classes warm=%d end=%d"
        + " (bound +%d); threads %d -> %d; plugin provider classes unloaded: %d of %d class loaders%n", CYCLES,
        warmRss / 1024.0, endRss / 1024.0, (endRss - warmRss) / 1024.0, RSS_BOUND_MB, warmClasses, endClasses,
        CLASS_BOUND, warmThreads, endThreads, unloadedProviders, CYCLES);
    assertThat(endRss - warmRss).as("RSS growth in KB after warm-up").isLessThan(RSS_BOUND_MB * 1024L);
    assertThat(endClasses - warmClasses).as("loaded classes after warm-up").isLessThan(CLASS_BOUND);
    assertThat(endThreads).isLessThanOrEqualTo(warmThreads + 2);
    assertThat(unloadedProviders).as("plugin class loaders collected after close").isGreaterThanOrEqualTo(190);
  }

  private static long median(List<long[]> samples, int from, int to, int column) {
    long[] v = samples.subList(from, to).stream().mapToLong(s -> s[column]).sorted().toArray();
    return v[v.length / 2];
  }

  /** The module's compiled classes and service files as a plugin jar. */
  private static void jar(Path classes, Path jar) throws IOException {
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
        Stream<Path> files = Files.walk(classes)) {
      for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
        out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
        out.write(Files.readAllBytes(f));
        out.closeEntry();
      }
    }
  }
}
