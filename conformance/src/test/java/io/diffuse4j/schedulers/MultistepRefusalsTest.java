package io.diffuse4j.schedulers;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.diffuse4j.api.noise.NoiseSource;
import io.diffuse4j.api.scheduler.Scheduler;
import io.diffuse4j.api.scheduler.SchedulerConfig;
import io.diffuse4j.api.scheduler.StepContext;
import io.diffuse4j.api.tensor.FloatTensor;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Configurations are refused here exactly when diffusers raises on them (at construction,
 * set_timesteps or step): see tools/conformance/multistep/README.md.
 */
class MultistepRefusalsTest {

  @Test
  void refusesExactlyWhatDiffusersRefuses() throws IOException {
    JsonNode all;
    try (InputStream in = getClass().getResourceAsStream("/conformance/multistep/refusals.json.txt")) {
      all = MultistepCaseReplay.JSON.readTree(in);
    }
    List<String> wrong = new ArrayList<>();
    int refusedCount = 0;
    for (JsonNode c : all.get("cases")) {
      @SuppressWarnings("unchecked")
      Map<String, Object> cfg = MultistepCaseReplay.JSON.convertValue(c.get("config"), LinkedHashMap.class);
      SchedulerConfig config = SchedulerConfig.of(c.get("class").asText(), cfg);
      boolean diffusersRefused = !c.get("diffusers_error").isNull();
      String refusal = null;
      try {
        Scheduler s = MultistepGeneratedCasesTest.factory(config.className()).apply(config);
        int steps = c.get("steps").asInt();
        if (!c.get("strength").isNull()) {
          s.setTimesteps(steps, c.get("strength").asDouble());
        } else {
          s.setTimesteps(steps);
        }
        NoiseSource zeros = FloatTensor::zeros;
        FloatTensor x = MultistepTestSupport.gaussian(1, 1, 4, 2, 2);
        for (double t : s.timesteps()) {
          x = s.step(MultistepTestSupport.eps(s.scaleModelInput(x, t), t), t, x, StepContext.of(zeros));
        }
      } catch (IllegalArgumentException | IllegalStateException e) {
        refusal = e.getMessage();
        refusedCount++;
      }
      if (diffusersRefused != (refusal != null)) {
        wrong.add(config + " steps=" + c.get("steps") + ": diffusers " + c.get("diffusers_error") + ", here "
            + (refusal == null ? "ran" : "refused: " + refusal));
      }
    }
    assertThat(wrong).isEmpty();
    assertThat(refusedCount).isGreaterThan(100);
  }
}
