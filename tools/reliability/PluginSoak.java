import io.diffuse4j.api.pipeline.DiffusionPipeline;
import io.diffuse4j.api.pipeline.GenerationRequest;
import io.diffuse4j.pipelines.Diffusion;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * load -> generate -> close cycles with a plugin folder; prints RSS and loaded class count.
 * Usage: PluginSoak MODEL_DIR PLUGIN_DIR|- CYCLES SCHEDULER [nogc]
 */
public class PluginSoak {
  static long rssKb() throws Exception {
    for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (l.startsWith("VmRSS:")) return Long.parseLong(l.replaceAll("\\D", ""));
    }
    return -1;
  }
  public static void main(String[] a) throws Exception {
    Path model = Path.of(a[0]);
    Path plugins = a[1].equals("-") ? null : Path.of(a[1]);
    int cycles = Integer.parseInt(a[2]);
    String scheduler = a[3];
    boolean gc = a.length < 5 || !a[4].equals("nogc"); // "nogc": RSS as an application sees it, heap growth included
    for (int c = 1; c <= cycles; c++) {
      Diffusion.Builder b = Diffusion.builder().model(model).warnings(w -> { });
      if (plugins != null) b.plugins(plugins);
      try (DiffusionPipeline p = b.load()) {
        p.generate(GenerationRequest.builder("x").steps(2).size(64, 64).scheduler(scheduler).build());
      }
      if (c == 1 || c % 25 == 0) {
        if (gc) {
          System.gc();
        }
        System.out.printf("cycle %d rss_mb %.1f classes %d threads %d%n", c, rssKb() / 1024.0,
            ManagementFactory.getClassLoadingMXBean().getLoadedClassCount(), Thread.activeCount());
      }
    }
  }
}
