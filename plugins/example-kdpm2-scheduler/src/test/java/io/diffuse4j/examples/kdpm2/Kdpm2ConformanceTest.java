package io.diffuse4j.examples.kdpm2;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The provider, used directly (class path), against the diffusers-derived cases. */
class Kdpm2ConformanceTest {

  static java.util.List<String> cases() {
    return CaseReplay.caseNames();
  }

  @ParameterizedTest
  @MethodSource("cases")
  void matchesDiffusers(String name) {
    JsonNode c = CaseReplay.read("/conformance/" + name);
    double worst = CaseReplay.worstError(new Kdpm2SchedulerProvider(), c);
    System.out.printf("kdpm2 conformance %s: worst relative error %.3g%n", name, worst);
    assertThat(worst).isLessThanOrEqualTo(1e-4);
  }
}
