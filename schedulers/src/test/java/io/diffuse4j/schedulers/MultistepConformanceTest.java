package io.diffuse4j.schedulers;

import static org.assertj.core.api.Assertions.assertThat;

import io.diffuse4j.schedulers.conformance.SchedulerConformance;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The shared diffusers cases of DPM-Solver++, UniPC and LCM through the production conformance runner. */
class MultistepConformanceTest {

  @ParameterizedTest
  @ValueSource(strings = {"dpmpp-2m", "dpmpp-2m-karras", "unipc", "lcm"})
  void matchesDiffusers(String name) throws Exception {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    Path p = Path.of(MultistepConformanceTest.class.getResource("/conformance/schedulers/" + name + ".json").toURI());
    boolean ok = SchedulerConformance.run(p, Schedulers.builtIn(), new PrintStream(buf, true, StandardCharsets.UTF_8));
    String out = buf.toString(StandardCharsets.UTF_8);
    System.out.print(out);
    assertThat(ok).as(out).isTrue();
    assertThat(out).startsWith("PASS " + name);
  }
}
