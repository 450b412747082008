package io.diffuse4j.examples.kdpm2;

import static org.assertj.core.api.Assertions.assertThat;

import io.diffuse4j.schedulers.Schedulers;
import io.diffuse4j.conformance.AddNoiseConformance;
import io.diffuse4j.conformance.SchedulerConformance;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The providers, used directly (class path), against the diffusers-derived cases, replayed by
 * the core's conformance runners.
 */
class Kdpm2ConformanceTest {

  private static final Schedulers SCHEDULERS = new Schedulers(Map.of(
      "kdpm2", new Kdpm2SchedulerProvider(), "kdpm2-karras", new Kdpm2KarrasSchedulerProvider()));

  static Path resource(String name) {
    try {
      return Path.of(Kdpm2ConformanceTest.class.getResource(name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void schedulerCasesMatchDiffusers() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    boolean ok = SchedulerConformance.run(resource("/kdpm2-conformance/schedulers"), SCHEDULERS,
        new PrintStream(out, true, StandardCharsets.UTF_8));
    String report = out.toString(StandardCharsets.UTF_8);
    System.out.print(report);
    assertThat(report.lines().filter(l -> l.startsWith("PASS kdpm2"))).hasSize(4);
    assertThat(ok).as(report).isTrue();
  }

  @Test
  void imageToImageStartMatchesDiffusers() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    boolean ok = AddNoiseConformance.run(resource("/kdpm2-conformance/add-noise"), SCHEDULERS,
        new PrintStream(out, true, StandardCharsets.UTF_8));
    String report = out.toString(StandardCharsets.UTF_8);
    System.out.print(report);
    assertThat(report).startsWith("PASS add-noise-kdpm2-0.6");
    assertThat(ok).as(report).isTrue();
  }
}
