package io.diffuse4j.plugins;

import com.google.inject.Module;
import io.diffuse4j.api.scheduler.SchedulerProvider;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * Builds plugin jars the way an author would: Java sources compiled with javac against the
 * host's api/schedulers/Guice jars (but NOT put on the test class path, so the plugin classes
 * exist only inside the jar), packaged with a {@code META-INF/services} file.
 */
final class TestPluginJars {

  /** Service file names a plugin jar lists its classes under. */
  static final String PLUGIN_SERVICE = DiffusionPlugin.class.getName();
  static final String SCHEDULER_SERVICE = SchedulerProvider.class.getName();
  /** The scheduler map the loader's injector binds. */
  static final com.google.inject.Key<Map<String, SchedulerProvider>> SCHEDULER_MAP =
      com.google.inject.Key.get(new com.google.inject.TypeLiteral<Map<String, SchedulerProvider>>() { });

  private final Path classes;

  private TestPluginJars(Path classes) {
    this.classes = classes;
  }

  /** Compiles {@code sources} (class name to source) in one javac run into {@code work}/classes. */
  static TestPluginJars compile(Path work, Map<String, String> sources) throws IOException {
    Path src = work.resolve("src");
    Path classes = work.resolve("classes");
    Files.createDirectories(classes);
    List<String> args = new ArrayList<>(List.of("-d", classes.toString(), "-classpath", hostClassPath(),
        "--release", "17", "-proc:none", "-nowarn"));
    for (Map.Entry<String, String> e : sources.entrySet()) {
      Path file = src.resolve(e.getKey().replace('.', '/') + ".java");
      Files.createDirectories(file.getParent());
      Files.writeString(file, e.getValue());
      args.add(file.toString());
    }
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    if (javac == null) {
      throw new IllegalStateException("tests need a JDK (javax.tools compiler), not a JRE");
    }
    StringWriter log = new StringWriter();
    int rc = javac.run(null, new WriterStream(log), new WriterStream(log), args.toArray(String[]::new));
    if (rc != 0) {
      throw new IllegalStateException("javac failed for the test plugins:\n" + log);
    }
    return new TestPluginJars(classes);
  }

  /**
   * Writes {@code dir/jarName} with the compiled classes of {@code pkg} and the service files
   * ({@code service interface name -> provider class names}).
   */
  Path jar(Path dir, String jarName, String pkg, Map<String, List<String>> services) throws IOException {
    Path jar = dir.resolve(jarName);
    Path pkgDir = classes.resolve(pkg.replace('.', '/'));
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
        Stream<Path> files = Files.walk(pkgDir)) {
      for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
        out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
        out.write(Files.readAllBytes(f));
        out.closeEntry();
      }
      for (Map.Entry<String, List<String>> s : services.entrySet()) {
        out.putNextEntry(new JarEntry("META-INF/services/" + s.getKey()));
        out.write(("# test plugin\n" + String.join("\n", s.getValue()) + "\n").getBytes(StandardCharsets.UTF_8));
        out.closeEntry();
      }
    }
    return jar;
  }

  /** The jars (or folders) holding api, the plugin SPI and Guice, for javac. */
  private static String hostClassPath() {
    return Stream.of(SchedulerProvider.class, DiffusionPlugin.class, Module.class)
        .map(c -> {
          try {
            return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
          } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
          }
        })
        .distinct()
        .collect(Collectors.joining(java.io.File.pathSeparator));
  }

  /** Adapts a Writer for javac's OutputStream arguments. */
  private static final class WriterStream extends OutputStream {
    private final StringWriter w;

    WriterStream(StringWriter w) {
      this.w = w;
    }

    @Override
    public void write(int b) {
      w.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      w.write(new String(b, off, len, StandardCharsets.UTF_8));
    }
  }

  static void writeBytes(Path file, byte[] bytes) {
    try {
      Files.write(file, bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
