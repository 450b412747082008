package io.diffuse4j.doctests;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.StringWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every {@code ```java} block of README.md and docs/*.md compiles against the modules (javax.tools,
 * the test class path), so the documentation cannot rot. A block that declares a class is compiled
 * as it is; a fragment gets its imports kept and its statements wrapped in a method, with the
 * project's packages imported on demand. A block whose first line is {@code // not compiled: why}
 * is skipped (use sparingly). The README's main example is also run, and must equal the consumer
 * project's source (samples/consumer) character for character.
 */
class DocumentedJavaTest {

  static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  static final Pattern BLOCK = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL);
  static final Pattern CLASS = Pattern.compile("(?m)^public (final )?(class|interface|record) (\\w+)");
  static final String SKIP = "// not compiled:";
  static final List<String> ON_DEMAND = List.of("io.diffuse4j.api.pipeline", "io.diffuse4j.api.scheduler",
      "io.diffuse4j.api.noise", "io.diffuse4j.api.tensor", "io.diffuse4j.pipelines", "io.diffuse4j.pipelines.image", "io.diffuse4j.pipelines.adapters",
      "io.diffuse4j.plugins", "io.diffuse4j.schedulers", "io.diffuse4j.examples.kdpm2", "io.diffuse4j.djl",
      "io.diffuse4j.spark", "ai.djl.inference", "ai.djl.repository.zoo", "org.apache.spark.sql", "com.google.inject",
      "java.nio.file", "java.util", "java.io", "java.awt.image");
  /** Names two on-demand imports share (java.lang.Module and Guice's Module). */
  static final List<String> SINGLE = List.of("com.google.inject.Module");

  record Block(Path file, int line, String code) {
    String name() {
      return ROOT.relativize(file) + ":" + line;
    }
  }

  static List<Path> documents() throws IOException {
    List<Path> docs = new ArrayList<>();
    docs.add(ROOT.resolve("README.md"));
    try (Stream<Path> s = Files.list(ROOT.resolve("docs"))) {
      // docs/plugins.md: its blocks are compiled by the example plugin's own test, against the plugin
      s.filter(p -> p.toString().endsWith(".md") && !p.getFileName().toString().equals("plugins.md")).sorted()
          .forEach(docs::add);
    }
    return docs;
  }

  static List<Block> blocks(Path doc) throws IOException {
    String text = Files.readString(doc, StandardCharsets.UTF_8);
    List<Block> out = new ArrayList<>();
    Matcher m = BLOCK.matcher(text);
    while (m.find()) {
      int line = (int) text.substring(0, m.start()).chars().filter(c -> c == '\n').count() + 2;
      out.add(new Block(doc, line, m.group(1)));
    }
    return out;
  }

  /** The compilation unit for a block: a class as it is, a fragment wrapped. */
  static String unit(Block b, String wrapperName) {
    StringBuilder imports = new StringBuilder();
    ON_DEMAND.forEach(p -> imports.append("import ").append(p).append(".*;\n"));
    SINGLE.forEach(p -> imports.append("import ").append(p).append(";\n"));
    if (CLASS.matcher(b.code()).find()) {
      List<String> own = new ArrayList<>();
      List<String> rest = new ArrayList<>();
      for (String l : b.code().split("\n", -1)) {
        (l.startsWith("import ") ? own : rest).add(l);
      }
      return String.join("\n", own) + "\n" + imports + String.join("\n", rest);
    }
    StringBuilder own = new StringBuilder();
    StringBuilder body = new StringBuilder();
    for (String l : b.code().split("\n", -1)) {
      (l.startsWith("import ") ? own : body).append(l).append('\n');
    }
    return own + imports.toString() + "public class " + wrapperName + " {\n  static void snippet() throws Exception {\n"
        + body + "  }\n}\n";
  }

  static String className(Block b, String wrapperName) {
    Matcher m = CLASS.matcher(b.code());
    return m.find() ? m.group(3) : wrapperName;
  }

  /** Compiles into {@code out}; returns the diagnostics, empty when it compiled. */
  static String compile(String className, String source, Path out) throws IOException {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    JavaFileObject file = new SimpleJavaFileObject(URI.create("string:///" + className + ".java"),
        JavaFileObject.Kind.SOURCE) {
      @Override
      public CharSequence getCharContent(boolean ignoreEncodingErrors) {
        return source;
      }
    };
    try (StandardJavaFileManager fm = javac.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
      StringWriter w = new StringWriter();
      boolean ok = javac.getTask(w, fm, diagnostics, List.of("-classpath", testClassPath(), "-d", out.toString(),
          "-proc:none", "-Xlint:none"), null, List.of(file)).call();
      StringBuilder msg = new StringBuilder(w.toString());
      diagnostics.getDiagnostics().forEach(d -> msg.append(d).append('\n'));
      return ok ? "" : msg + "\n--- compiled source ---\n" + source;
    }
  }

  static String testClassPath() {
    return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
  }

  @TestFactory
  Stream<DynamicTest> everyJavaBlockCompiles(@TempDir Path out) throws IOException {
    List<DynamicTest> tests = new ArrayList<>();
    int[] n = {0};
    for (Path doc : documents()) {
      for (Block b : blocks(doc)) {
        String wrapper = "Snippet" + (++n[0]);
        tests.add(DynamicTest.dynamicTest(b.name(), () -> {
          if (b.code().startsWith(SKIP)) {
            assertThat(b.code().substring(SKIP.length()).lines().findFirst().orElse("").strip())
                .as("a skipped block says why").isNotEmpty();
            return;
          }
          Path dir = Files.createDirectories(out.resolve(wrapper));
          assertThat(compile(className(b, wrapper), unit(b, wrapper), dir)).as(b.name()).isEmpty();
        }));
      }
    }
    assertThat(tests).as("Java blocks found").hasSizeGreaterThanOrEqualTo(5);
    return tests.stream();
  }

  @Test
  void fewBlocksAreExemptFromCompiling() throws IOException {
    long skipped = 0;
    for (Path doc : documents()) {
      skipped += blocks(doc).stream().filter(b -> b.code().startsWith(SKIP)).count();
    }
    assertThat(skipped).isLessThanOrEqualTo(2);
  }

  static Block readmeExample() throws IOException {
    return blocks(ROOT.resolve("README.md")).stream().filter(b -> b.code().contains("Diffusion.loadBundled()"))
        .findFirst().orElseThrow();
  }

  @Test
  void readmeExampleIsTheConsumerProjectsSourceVerbatim() throws IOException {
    Path consumer = ROOT.resolve("samples/consumer/src/main/java/HelloDiffusion.java");
    assertThat(Files.readString(consumer, StandardCharsets.UTF_8)).isEqualTo(readmeExample().code());
  }

  @Test
  void readmeExampleRunsAndWritesItsImage(@TempDir Path dir) throws Exception {
    Block b = readmeExample();
    Path classes = Files.createDirectories(dir.resolve("classes"));
    assertThat(compile("HelloDiffusion", b.code(), classes)).isEmpty();
    Path work = Files.createDirectories(dir.resolve("work"));
    Process p = new ProcessBuilder(javaBin(), "-cp", classes + java.io.File.pathSeparator + testClassPath(),
        "HelloDiffusion").directory(work.toFile()).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(output).isZero();
    assertThat(output).contains("out.png: 64x64, seed 42");
    BufferedImage img = ImageIO.read(work.resolve("out.png").toFile());
    assertThat(img.getWidth()).isEqualTo(64);
  }

  @Test
  void readmeMaskToolMakesAWhiteRectangleOnBlack(@TempDir Path dir) throws Exception {
    Path image = dir.resolve("square.png");
    ImageIO.write(new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB), "png", image.toFile());
    Path mask = dir.resolve("mask.png");
    // the README's command: java tools/MakeMask.java square.png 16 16 32 32 mask.png
    Process p = new ProcessBuilder(javaBin(), ROOT.resolve("tools/MakeMask.java").toString(), image.toString(), "16",
        "16", "32", "32", mask.toString()).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(output).isZero();
    BufferedImage m = ImageIO.read(mask.toFile());
    assertThat(m.getRGB(0, 0) & 0xFFFFFF).isZero();
    assertThat(m.getRGB(32, 32) & 0xFFFFFF).isEqualTo(0xFFFFFF);
    assertThat(m.getRGB(47, 47) & 0xFFFFFF).isEqualTo(0xFFFFFF);
    assertThat(m.getRGB(48, 48) & 0xFFFFFF).isZero();
    assertThat(Files.readString(ROOT.resolve("README.md"))).contains("java tools/MakeMask.java square.png 16 16 32 32 mask.png");
  }

  @Test
  void everyDiffuse4jJarHasAModuleNameAndASourcesJar() throws IOException {
    int jars = 0;
    for (String entry : testClassPath().split(java.io.File.pathSeparator)) {
      Path p = Path.of(entry);
      String name = p.getFileName().toString();
      if (!name.startsWith("diffuse4j-") || !name.endsWith(".jar") || !Files.isRegularFile(p)) {
        continue; // third-party jars, or modules of a partial build still as target/classes
      }
      jars++;
      try (java.util.jar.JarFile jar = new java.util.jar.JarFile(p.toFile())) {
        assertThat(jar.getManifest().getMainAttributes().getValue("Automatic-Module-Name")).as(name)
            .matches("io\\.diffuse4j(\\.[a-z][a-z0-9]*)+");
      }
      String stem = name.substring(0, name.length() - ".jar".length());
      assertThat(p.resolveSibling(stem + "-sources.jar")).as(name).isRegularFile();
    }
    assertThat(Files.readString(ROOT.resolve("LICENSE"))).contains("Apache License").contains("Version 2.0");
    assertThat(jars).as("diffuse4j jars on the test class path (run through mvn verify)").isGreaterThanOrEqualTo(8);
    System.out.println(jars + " diffuse4j jars checked");
  }

  static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }
}
