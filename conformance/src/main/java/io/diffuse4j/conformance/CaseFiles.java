package io.diffuse4j.conformance;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Reading conformance case files. Stateless and thread-safe. */
final class CaseFiles {

  static final JsonMapper MAPPER = JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

  private CaseFiles() {}

  /**
   * The {@code .json} files under a folder, its sub-folders included (cases are filed by scheduler
   * class), sorted by path; or the file itself.
   */
  static List<Path> list(Path dirOrFile) throws IOException {
    if (Files.isRegularFile(dirOrFile)) {
      return List.of(dirOrFile);
    }
    try (Stream<Path> s = Files.walk(dirOrFile)) {
      return s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    }
  }

  /** One case's replay: returns the largest absolute error or throws a failure. */
  interface CaseRunner {
    double run(JsonNode c) throws Exception;
  }

  /**
   * Replays every case of a folder (or one file), printing {@code PASS name max_abs_err} or
   * {@code FAIL name reason} per case; true when all pass.
   */
  static boolean runAll(Path dirOrFile, java.io.PrintStream out, CaseRunner runner) {
    List<Path> files;
    try {
      files = list(dirOrFile);
    } catch (Exception e) {
      out.println("FAIL " + dirOrFile + " cannot list cases: " + e.getMessage());
      return false;
    }
    if (files.isEmpty()) {
      out.println("FAIL " + dirOrFile + " holds no .json case files");
      return false;
    }
    boolean all = true;
    for (Path f : files) {
      String name = f.getFileName().toString();
      try {
        JsonNode c = read(f);
        name = c.path("name").asText(name);
        out.println("PASS " + name + " " + String.format(java.util.Locale.ROOT, "%.3g", runner.run(c)));
      } catch (SchedulerConformance.CaseFailure e) {
        out.println("FAIL " + name + " " + e.getMessage());
        all = false;
      } catch (Exception e) {
        out.println("FAIL " + name + " " + e.getClass().getSimpleName() + ": " + e.getMessage());
        all = false;
      }
      out.flush();
    }
    return all;
  }

  static JsonNode read(Path file) throws IOException {
    return MAPPER.readTree(file.toFile());
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> toMap(JsonNode node) {
    return MAPPER.convertValue(node, Map.class);
  }

  static float[] floats(JsonNode arr) {
    float[] out = new float[arr.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) arr.get(i).asDouble();
    }
    return out;
  }

  static int[] ints(JsonNode arr) {
    int[] out = new int[arr.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = arr.get(i).asInt();
    }
    return out;
  }

  static double[] doubles(JsonNode arr) {
    double[] out = new double[arr.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = arr.get(i).asDouble();
    }
    return out;
  }
}
