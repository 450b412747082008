package io.diffuse4j.schedulers;

import static io.diffuse4j.schedulers.MultistepTestSupport.gaussian;
import static io.diffuse4j.schedulers.MultistepTestSupport.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.diffuse4j.api.scheduler.SchedulerConfig;
import io.diffuse4j.api.scheduler.StepContext;
import io.diffuse4j.api.tensor.FloatTensor;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LcmSchedulerTest {

  static LcmScheduler lcm(Map<String, Object> extra) {
    SchedulerConfig c = SchedulerConfig.of(LcmScheduler.CLASS_NAME, Map.of("set_alpha_to_one", false));
    for (Map.Entry<String, Object> e : extra.entrySet()) {
      c = c.with(e.getKey(), e.getValue());
    }
    return new LcmScheduler(c);
  }

  @Test
  void timestepsAreTakenFromTheDistillationSchedule() {
    LcmScheduler s = lcm(Map.of());
    s.setTimesteps(4);
    // k = 1000 / 50 = 20: origin = 999, 979, ..., 19; 4 picks at floor(i * 50 / 4) = 0, 12, 25, 37
    assertThat(s.timesteps()).containsExactly(999, 759, 499, 259);
    s.setTimesteps(4, 0.5);
    // int(50 * 0.5) = 25 origin steps: 499, 479, ..., 19; picks 0, 6, 12, 18
    assertThat(s.timesteps()).containsExactly(499, 379, 259, 139);
  }

  @Test
  void singleStepIsTheBoundaryConditionEstimate() {
    // c_skip = 0.25 / ((10 t)^2 + 0.25), c_out = 10 t / sqrt((10 t)^2 + 0.25): derived by hand in double
    LcmScheduler s = lcm(Map.of());
    s.setTimesteps(1);
    double t = s.timesteps()[0];
    float[] acp = SchedulerMath.alphasCumprod("scaled_linear", 1000, 0.00085, 0.012, null, false);
    double a = acp[(int) t];
    FloatTensor x = gaussian(4, 1, 4, 4, 4);
    FloatTensor eps = MultistepTestSupport.eps(x, t);
    FloatTensor out = s.step(eps, t, x, StepContext.of(null));
    double st = 10 * t;
    double cSkip = 0.25 / (st * st + 0.25);
    double cOut = st / Math.sqrt(st * st + 0.25);
    for (int i = 0; i < x.size(); i++) {
      double x0 = (x.data()[i] - Math.sqrt(1 - a) * eps.data()[i]) / Math.sqrt(a);
      assertThat((double) out.data()[i]).isCloseTo(cOut * x0 + cSkip * x.data()[i],
          org.assertj.core.data.Offset.offset(1e-4));
    }
  }

  @Test
  void drawsNoiseOnEveryStepButTheLast() {
    MultistepTestSupport.CountingNoise noise = new MultistepTestSupport.CountingNoise(1);
    run(lcm(Map.of()), 6, gaussian(2, 1, 4, 4, 4), noise);
    assertThat(noise.draws).hasSize(5);
  }

  @Test
  void configRoundTripsAndRecreatesTheSameScheduler() {
    LcmScheduler a = lcm(Map.of("original_inference_steps", 25L, "timestep_scaling", 5.0));
    LcmScheduler b = new LcmScheduler(a.config());
    assertThat(b.config()).isEqualTo(a.config());
    FloatTensor init = gaussian(5, 1, 4, 4, 4);
    assertThat(run(b, 5, init, new MultistepTestSupport.CountingNoise(3)))
        .isEqualTo(run(a, 5, init, new MultistepTestSupport.CountingNoise(3)));
  }

  @Test
  void fromAnotherClassKeepsSharedKeysAndDefaultsTheRest() {
    SchedulerConfig dpm = DpmSolverMultistepSchedulerTest.dpm(Map.of()).config();
    LcmScheduler s = new LcmScheduler(dpm.withClassName("LCMScheduler"));
    assertThat(s.config().get("beta_schedule")).isEqualTo("scaled_linear");
    assertThat(s.config().get("original_inference_steps")).isEqualTo(50L);
    assertThat(s.config().get("solver_order")).isEqualTo(2L);
  }

  @Test
  void refusesWhatDiffusersRefuses() {
    LcmScheduler s = lcm(Map.of());
    assertThatThrownBy(() -> s.setTimesteps(51))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("num_inference_steps");
    assertThatThrownBy(() -> s.setTimesteps(4, 0.05))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("strength");
    assertThatThrownBy(() -> s.setTimesteps(4, 2000, 1.0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("original_inference_steps");
    assertThatThrownBy(() -> lcm(Map.of("prediction_type", "flow_prediction")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("prediction_type");
    s.setTimesteps(4);
    FloatTensor x = gaussian(1, 1, 4, 2, 2);
    assertThatThrownBy(() -> s.step(x, 500, x, StepContext.of(null)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("500");
  }
}
