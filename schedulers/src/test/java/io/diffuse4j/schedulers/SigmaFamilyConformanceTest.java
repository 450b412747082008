package io.diffuse4j.schedulers;

import static org.assertj.core.api.Assertions.assertThat;

import io.diffuse4j.schedulers.conformance.AddNoiseConformance;
import io.diffuse4j.schedulers.conformance.SchedulerConformance;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The shared diffusers cases of PNDM, Euler, Euler ancestral, LMS and Heun, and Euler's img2img add_noise. */
class SigmaFamilyConformanceTest {

  static String run(boolean addNoise, String file) throws Exception {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
    Path p = Path.of(SigmaFamilyConformanceTest.class.getResource("/conformance/" + file).toURI());
    boolean ok = addNoise ? AddNoiseConformance.run(p, Schedulers.builtIn(), out)
        : SchedulerConformance.run(p, Schedulers.builtIn(), out);
    String text = buf.toString(StandardCharsets.UTF_8);
    assertThat(ok).as(text).isTrue();
    return text;
  }

  /** Cases made by running diffusers' own sources (see conformance/sigma-generated/README.md). */
  @ParameterizedTest(name = "{0}")
  @MethodSource("generated")
  void generatedCaseMatchesDiffusers(String file) throws Exception {
    String out = run(false, "sigma-generated/" + file);
    System.out.print(out);
    assertThat(out).startsWith("PASS");
  }

  static Stream<String> generated() throws Exception {
    Path dir = Path.of(SigmaFamilyConformanceTest.class.getResource("/conformance/sigma-generated").toURI());
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json")).sorted().toList().stream();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"pndm", "euler", "euler-ancestral", "lms", "heun"})
  void sharedCaseMatchesDiffusers(String name) throws Exception {
    assertThat(run(false, "schedulers/" + name + ".json")).startsWith("PASS " + name);
  }

  @ParameterizedTest
  @ValueSource(strings = {"add-noise-euler-0.6", "an-pndm-skip-0.6", "an-euler-karras-0.45", "an-euler-a-leading-0.8",
      "an-lms-0.3", "an-heun-0.5", "an-heun-karras-0.7", "an-euler-zsnr-trailing-1.0"})
  void addNoiseMatchesDiffusers(String name) throws Exception {
    assertThat(run(true, "add-noise/" + name + ".json")).startsWith("PASS");
  }
}
