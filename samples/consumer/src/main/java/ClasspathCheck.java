import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;

/**
 * Checks the class path an application depending on diffuse4j-cpu + diffuse4j-bundled-model runs
 * with: no onnxruntime_gpu jar, at most 150 MB in all, every diffuse4j jar with an
 * Automatic-Module-Name. Exits 1 naming what is wrong.
 */
public final class ClasspathCheck {

  static final long LIMIT = 150L * 1024 * 1024;

  private ClasspathCheck() {}

  public static void main(String[] args) throws IOException {
    List<String> problems = new ArrayList<>();
    long total = 0;
    int diffuse4jJars = 0;
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      Path p = Path.of(entry);
      if (!Files.isRegularFile(p)) {
        continue; // target/classes
      }
      total += Files.size(p);
      String name = p.getFileName().toString();
      if (name.contains("onnxruntime_gpu")) {
        problems.add("the GPU ONNX Runtime is on the class path: " + p);
      }
      if (name.startsWith("diffuse4j-")) {
        diffuse4jJars++;
        try (JarFile jar = new JarFile(p.toFile())) {
          String module = jar.getManifest() == null ? null
              : jar.getManifest().getMainAttributes().getValue("Automatic-Module-Name");
          if (module == null || !module.matches("[a-z][a-z0-9]*(\\.[a-z][a-z0-9]*)+")) {
            problems.add(name + " has no valid Automatic-Module-Name (" + module + ")");
          }
        }
      }
    }
    System.out.printf("class path: %d files of diffuse4j, %.1f MB in all (limit %d MB)%n", diffuse4jJars,
        total / 1048576.0, LIMIT / 1048576);
    if (total > LIMIT) {
      problems.add("the class path totals " + total + " bytes, more than " + LIMIT);
    }
    if (diffuse4jJars < 8) {
      problems.add("only " + diffuse4jJars + " diffuse4j jars on the class path");
    }
    if (!problems.isEmpty()) {
      problems.forEach(p -> System.out.println("FAIL " + p));
      System.exit(1);
    }
    System.out.println("class path OK");
  }
}
