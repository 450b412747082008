package io.diffuse4j.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RandnConformanceTest {

  private static Path resource(String name) throws URISyntaxException {
    return Path.of(RandnConformanceTest.class.getResource("/conformance/randn/" + name).toURI());
  }

  private static void assertAllBitExact(String file) throws Exception {
    List<RandnConformance.CaseResult> results = RandnConformance.evaluate(resource(file));
    assertThat(results).isNotEmpty();
    long exact = 0;
    long total = 0;
    for (RandnConformance.CaseResult r : results) {
      System.out.println(r.line());
      assertThat(r.passed()).as(r.line()).isTrue();
      assertThat(r.exact()).as("bit-exact values in %s", r.name()).isEqualTo(r.total());
      exact += r.exact();
      total += r.total();
    }
    System.out.printf("%s: %d/%d values bit-exact%n", file, exact, total);
  }

  @Test
  void sharedCasesPassBitForBit() throws Exception {
    assertAllBitExact("cases.json");
  }

  @Test
  void edgeCasesPassBitForBit() throws Exception {
    assertAllBitExact("edge-cases.json");
  }

  @Test
  void runPrintsOnePassLinePerCase() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    boolean ok = RandnConformance.run(resource("cases.json"), new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
    assertThat(ok).isTrue();
    assertThat(lines).hasSize(6);
    assertThat(lines[1]).matches("PASS torch_cpu_randn#1_seed42 \\S+ \\(16384/16384 bit-exact\\)");
  }

  @Test
  void wrongValuesAndUnknownKindsFail(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("bad.json");
    Files.writeString(file, """
        {"format": "ldm-randn-cases/1", "cases": [
          {"name": "off", "kind": "torch_cpu_randn", "seed": 0, "draws": [{"shape": [2], "values": [0.5, 0.5]}]},
          {"name": "odd", "kind": "jax_randn", "seed": 0, "draws": [{"shape": [1], "values": [0.0]}]},
          {"name": "short", "kind": "numpy_randomstate_randn_f32", "seed": 0, "draws": [{"shape": [3], "values": [1.0]}]},
          {"name": "seed", "kind": "numpy_randomstate_randn_f32", "seed": -3, "draws": [{"shape": [1], "values": [1.0]}]}
        ]}""");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    boolean ok = RandnConformance.run(file, new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String out = bytes.toString(StandardCharsets.UTF_8);
    assertThat(ok).isFalse();
    assertThat(out).contains("FAIL off max_abs_err")
        .contains("FAIL odd unknown kind 'jax_randn'")
        .contains("FAIL short draw 0: shape [3] gives 3 values but the case lists 1")
        .contains("FAIL seed seed -3 is outside NumPy RandomState's range");
  }

  @Test
  void aFileOfAnotherFormatFailsWithItsName(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("other.json");
    Files.writeString(file, "{\"format\": \"ldm-scheduler-case/1\"}");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    assertThat(RandnConformance.run(file, new PrintStream(bytes, true, StandardCharsets.UTF_8))).isFalse();
    assertThat(bytes.toString(StandardCharsets.UTF_8))
        .startsWith("FAIL " + file)
        .contains("'ldm-scheduler-case/1', expected 'ldm-randn-cases/1'");
    assertThat(RandnConformance.run(dir.resolve("missing.json"), new PrintStream(new ByteArrayOutputStream())))
        .isFalse();
  }
}
