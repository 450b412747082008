package io.diffuse4j.schedulers;

import static io.diffuse4j.schedulers.MultistepTestSupport.gaussian;
import static io.diffuse4j.schedulers.MultistepTestSupport.maxAbsDiff;
import static io.diffuse4j.schedulers.MultistepTestSupport.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.diffuse4j.api.scheduler.SchedulerConfig;
import io.diffuse4j.api.tensor.FloatTensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class UniPcMultistepSchedulerTest {

  static UniPcMultistepScheduler unipc(Map<String, Object> extra) {
    SchedulerConfig c = SchedulerConfig.of(UniPcMultistepScheduler.CLASS_NAME, DpmSolverMultistepSchedulerTest.SD);
    for (Map.Entry<String, Object> e : extra.entrySet()) {
      c = c.with(e.getKey(), e.getValue());
    }
    return new UniPcMultistepScheduler(c);
  }

  @Test
  void firstOrderPredictorWithoutCorrectorIsDpmSolverPlusPlusFirstOrder() {
    // UniP-1 is x_t = sigma_t/sigma_s x - alpha_t (e^{-h} - 1) x0, the same update as DPM-Solver++(1).
    FloatTensor init = gaussian(11, 1, 4, 4, 4);
    FloatTensor u = run(unipc(Map.of("solver_order", 1L, "disable_corrector", List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L))),
        8, init, null);
    FloatTensor d = run(DpmSolverMultistepSchedulerTest.dpm(Map.of("solver_order", 1L)), 8, init, null);
    assertThat(maxAbsDiff(u.data(), d.data())).isLessThan(1e-5);
  }

  @Test
  void correctorChangesTheResult() {
    FloatTensor init = gaussian(12, 1, 4, 4, 4);
    FloatTensor with = run(unipc(Map.of()), 8, init, null);
    FloatTensor without = run(unipc(Map.of("disable_corrector", List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L))), 8, init, null);
    assertThat(maxAbsDiff(with.data(), without.data())).isGreaterThan(1e-4);
  }

  @Test
  void configRoundTripsAndRecreatesTheSameScheduler() {
    UniPcMultistepScheduler a = unipc(Map.of("solver_order", 3L, "solver_type", "bh1"));
    UniPcMultistepScheduler b = new UniPcMultistepScheduler(a.config());
    assertThat(b.config()).isEqualTo(a.config());
    FloatTensor init = gaussian(5, 1, 4, 4, 4);
    assertThat(run(b, 9, init, null)).isEqualTo(run(a, 9, init, null));
  }

  @Test
  void fromDpmSolverConfigMapsMidpointToBh2() {
    DpmSolverMultistepScheduler d = DpmSolverMultistepSchedulerTest.dpm(Map.of("solver_type", "heun"));
    UniPcMultistepScheduler u = new UniPcMultistepScheduler(d.config().withClassName("UniPCMultistepScheduler"));
    assertThat(u.config().get("solver_type")).isEqualTo("bh2");
    assertThat(u.config().get("lambda_min_clipped")).isEqualTo(Double.NEGATIVE_INFINITY);
    u.setTimesteps(5);
    assertThat(u.timesteps()).containsExactly(999, 799, 599, 400, 200);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "solver_type|bh3|solver_type",
      "solver_order|0|solver_order",
      "prediction_type|velocity|prediction_type",
      "timestep_spacing|karras|timestep_spacing",
      "final_sigmas_type|one|final_sigmas_type",
      "use_dynamic_shifting|true|use_dynamic_shifting",
      "shift_terminal|0.5|shift_terminal",
      "solver_p|ddim|solver_p"})
  void refusesWhatDiffusersRefuses(String key, String value, String named) {
    Object v = switch (value) {
      case "true" -> Boolean.TRUE;
      case "0" -> 0L;
      case "0.5" -> 0.5;
      default -> value;
    };
    assertThatThrownBy(() -> unipc(Map.of(key, v)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(named);
  }

  @Test
  void refusesNoisePredictionWithFlowPrediction() {
    assertThatThrownBy(() -> unipc(Map.of("predict_x0", false, "prediction_type", "flow_prediction")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("predict_x0");
  }

  @Test
  void runningPastTheScheduleIsRefusedLikeDiffusers() {
    // Karras sigmas on a zero-SNR schedule repeat the first timestep; diffusers then starts at the
    // second copy and fails at the last step.
    UniPcMultistepScheduler s = unipc(Map.of("use_karras_sigmas", true, "rescale_betas_zero_snr", true));
    assertThatThrownBy(() -> run(s, 30, gaussian(1, 1, 4, 2, 2), null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("past the 30 timesteps");
  }
}
