package io.diffuse4j.schedulers;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.diffuse4j.api.scheduler.SchedulerConfig;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * diffusers' timesteps and sigmas of DPM-Solver and UniPC over beta schedules, zero-SNR, spacings,
 * sigma schedules and step counts (see tools/conformance/multistep/README.md): every timestep
 * must be equal, the first and last sigma within 1e-6 relative.
 */
class MultistepTimestepsTest {

  @Test
  void timestepsAndSigmasMatchDiffusers() throws IOException {
    JsonNode all;
    try (InputStream in = getClass().getResourceAsStream("/conformance/multistep/timesteps.json.txt")) {
      all = MultistepCaseReplay.JSON.readTree(in);
    }
    List<String> failures = new ArrayList<>();
    int count = 0;
    for (JsonNode c : all.get("cases")) {
      count++;
      @SuppressWarnings("unchecked")
      Map<String, Object> cfg = MultistepCaseReplay.JSON.convertValue(c.get("config"), LinkedHashMap.class);
      String cls = c.get("class").asText();
      SchedulerConfig config = SchedulerConfig.of(cls, cfg);
      int steps = c.get("steps").asInt();
      double[] ts;
      float[] sigmas;
      if (cls.equals(DpmSolverMultistepScheduler.CLASS_NAME)) {
        DpmSolverMultistepScheduler s = new DpmSolverMultistepScheduler(config);
        s.setTimesteps(steps);
        ts = s.timesteps();
        sigmas = s.sigmas();
      } else {
        UniPcMultistepScheduler s = new UniPcMultistepScheduler(config);
        s.setTimesteps(steps);
        ts = s.timesteps();
        sigmas = s.sigmas();
      }
      JsonNode want = c.get("timesteps");
      boolean same = ts.length == want.size();
      for (int i = 0; same && i < ts.length; i++) {
        same = ts[i] == want.get(i).asDouble();
      }
      double first = c.get("sigma_first").asDouble();
      double last = c.get("sigma_last").asDouble();
      boolean sigmaOk = Math.abs(sigmas[0] - first) <= 1e-6 * Math.max(1, Math.abs(first))
          && Math.abs(sigmas[sigmas.length - 1] - last) <= 1e-6 * Math.max(1, Math.abs(last));
      if (!same || !sigmaOk) {
        failures.add(cls + " " + cfg + " steps=" + steps + ": got " + java.util.Arrays.toString(ts) + " sigmas "
            + sigmas[0] + ".." + sigmas[sigmas.length - 1] + ", expected " + want + " " + first + ".." + last);
      }
    }
    assertThat(count).isGreaterThan(900);
    assertThat(failures).isEmpty();
  }
}
