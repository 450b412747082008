package io.diffuse4j.schedulers;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.diffuse4j.api.scheduler.Scheduler;
import io.diffuse4j.api.scheduler.SchedulerConfig;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Replays the shared DPM-Solver++/UniPC/LCM cases and the diffusers-generated ones in
 * conformance/cases/schedulers/{DPMSolverMultistep,LCM,UniPCMultistep}Scheduler (orders, algorithm types, SDE noise, Karras/exponential/LU/flow
 * sigmas, spacings, prediction types, zero-SNR, thresholding, LCM strength): every step within
 * 1e-4 * max(1, max|expected|), NaN where diffusers gives NaN.
 */
class MultistepGeneratedCasesTest {

  static Stream<String> cases() throws IOException, URISyntaxException {
    Path root = Path.of(MultistepGeneratedCasesTest.class.getResource("/conformance/schedulers").toURI());
    List<String> names = new java.util.ArrayList<>();
    for (String cls : List.of("DPMSolverMultistepScheduler", "LCMScheduler", "UniPCMultistepScheduler")) {
      try (Stream<Path> s = Files.list(root.resolve(cls))) {
        s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json"))
            .map(n -> "/conformance/schedulers/" + cls + "/" + n).sorted().forEach(names::add);
      }
    }
    return names.stream();
  }

  static Function<SchedulerConfig, Scheduler> factory(String cls) {
    return switch (cls) {
      case "DPMSolverMultistepScheduler" -> DpmSolverMultistepScheduler::new;
      case "LCMScheduler" -> LcmScheduler::new;
      case "UniPCMultistepScheduler" -> UniPcMultistepScheduler::new;
      default -> throw new IllegalArgumentException(cls);
    };
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void replays(String resource) {
    JsonNode c = MultistepCaseReplay.load(resource);
    String cls = c.get("scheduler_config").get("_class_name").asText();
    MultistepCaseReplay.Result r = MultistepCaseReplay.replay(c, factory(cls));
    System.out.printf("CASE %-40s err %.3g tol %.3g %s%n", r.name(), r.worst(), r.tolerance(), r.detail());
    assertThat(r.passed()).as(r.toString()).isTrue();
  }
}
