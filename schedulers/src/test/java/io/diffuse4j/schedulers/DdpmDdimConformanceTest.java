package io.diffuse4j.schedulers;

import static org.assertj.core.api.Assertions.assertThat;

import io.diffuse4j.schedulers.conformance.AddNoiseConformance;
import io.diffuse4j.schedulers.conformance.SchedulerConformance;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class DdpmDdimConformanceTest {

  private static String run(boolean addNoise, String file) throws Exception {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    Path p = Path.of(DdpmDdimConformanceTest.class.getResource("/conformance/" + file).toURI());
    boolean ok = addNoise ? AddNoiseConformance.run(p, Schedulers.builtIn(), new PrintStream(buf, true, StandardCharsets.UTF_8))
        : SchedulerConformance.run(p, Schedulers.builtIn(), new PrintStream(buf, true, StandardCharsets.UTF_8));
    String out = buf.toString(StandardCharsets.UTF_8);
    assertThat(ok).as(out).isTrue();
    return out;
  }

  @Test
  void ddimMatchesDiffusers() throws Exception {
    assertThat(run(false, "schedulers/ddim.json")).startsWith("PASS ddim");
  }

  @Test
  void ddpmMatchesDiffusers() throws Exception {
    assertThat(run(false, "schedulers/ddpm.json")).startsWith("PASS ddpm");
  }

  /**
   * 34 more cases (and 6 add-noise ones) made by running diffusers' own scheduler sources at the
   * shared cases' commit: other beta schedules, spacings, prediction types, variance types, eta,
   * thresholding, zero-SNR (generator: ddpm-ddim-generated/generate_cases.py).
   */
  @Test
  void generatedDiffusersCasesPass() throws Exception {
    assertThat(run(false, "ddpm-ddim-generated/schedulers")).doesNotContain("FAIL");
    assertThat(run(true, "ddpm-ddim-generated/add-noise")).doesNotContain("FAIL");
  }

  @Test
  void addNoiseMatchesDiffusers() throws Exception {
    assertThat(run(true, "add-noise/add-noise-ddim-0.6.json")).startsWith("PASS");
    assertThat(run(true, "add-noise/add-noise-ddpm-0.6.json")).startsWith("PASS");
  }
}
