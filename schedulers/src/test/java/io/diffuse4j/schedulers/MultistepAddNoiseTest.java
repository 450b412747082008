package io.diffuse4j.schedulers;

import static org.assertj.core.api.Assertions.assertThat;

import io.diffuse4j.schedulers.conformance.AddNoiseConformance;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Image-to-image starts of DPM-Solver, UniPC and LCM through the production add-noise runner: the
 * shared dpmpp-2m case and diffusers-generated ones (see conformance/multistep-generated/README.md).
 */
class MultistepAddNoiseTest {

  @ParameterizedTest
  @ValueSource(strings = {"add-noise-dpmpp-2m-0.6", "add-noise-dpm-karras-zsnr-0.8", "add-noise-unipc-0.6",
      "add-noise-unipc-karras-0.35", "add-noise-lcm-0.5"})
  void matchesDiffusers(String name) throws Exception {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    Path p = Path.of(MultistepAddNoiseTest.class.getResource("/conformance/add-noise/" + name + ".json").toURI());
    boolean ok = AddNoiseConformance.run(p, Schedulers.builtIn(), new PrintStream(buf, true, StandardCharsets.UTF_8));
    String out = buf.toString(StandardCharsets.UTF_8);
    assertThat(ok).as(out).isTrue();
    assertThat(out).startsWith("PASS");
  }
}
