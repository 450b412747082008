package io.diffuse4j.schedulers;

import static io.diffuse4j.schedulers.MultistepTestSupport.gaussian;
import static io.diffuse4j.schedulers.MultistepTestSupport.maxAbsDiff;
import static io.diffuse4j.schedulers.MultistepTestSupport.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.diffuse4j.api.scheduler.Scheduler;
import io.diffuse4j.api.scheduler.SchedulerConfig;
import io.diffuse4j.api.scheduler.StepContext;
import io.diffuse4j.api.tensor.FloatTensor;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DpmSolverMultistepSchedulerTest {

  static final Map<String, Object> SD = Map.of("beta_start", 0.00085, "beta_end", 0.012,
      "beta_schedule", "scaled_linear", "steps_offset", 1L);

  static DpmSolverMultistepScheduler dpm(Map<String, Object> extra) {
    SchedulerConfig c = SchedulerConfig.of(DpmSolverMultistepScheduler.CLASS_NAME, SD);
    for (Map.Entry<String, Object> e : extra.entrySet()) {
      c = c.with(e.getKey(), e.getValue());
    }
    return new DpmSolverMultistepScheduler(c);
  }

  @Test
  void firstOrderDpmSolverPlusPlusIsTheDeterministicDdimUpdate() {
    // DPM-Solver++ order 1 = DDIM (eta 0): x_prev = sqrt(a_prev) x0 + sqrt(1 - a_prev) eps,
    // x0 = (x - sqrt(1 - a_t) eps) / sqrt(a_t); the zero final sigma is a_prev = 1. Derived by hand in double.
    DpmSolverMultistepScheduler s = dpm(Map.of("solver_order", 1L));
    s.setTimesteps(10);
    float[] acp = SchedulerMath.alphasCumprod("scaled_linear", 1000, 0.00085, 0.012, null, false);
    double[] ts = s.timesteps();
    FloatTensor x = gaussian(3, 1, 4, 4, 4);
    double[] ref = new double[x.size()];
    for (int i = 0; i < ref.length; i++) {
      ref[i] = x.data()[i];
    }
    for (int k = 0; k < ts.length; k++) {
      FloatTensor eps = MultistepTestSupport.eps(x, ts[k]);
      x = s.step(eps, ts[k], x, StepContext.of(null));
      double at = acp[(int) ts[k]];
      double ap = k + 1 < ts.length ? acp[(int) ts[k + 1]] : 1.0;
      double bias = 0.1 * (ts[k] / 1000.0) - 0.02;
      for (int i = 0; i < ref.length; i++) {
        double e = 0.5 * ref[i] + bias;
        double x0 = (ref[i] - Math.sqrt(1 - at) * e) / Math.sqrt(at);
        ref[i] = Math.sqrt(ap) * x0 + Math.sqrt(1 - ap) * e;
      }
    }
    double worst = 0;
    for (int i = 0; i < ref.length; i++) {
      worst = Math.max(worst, Math.abs(ref[i] - x.data()[i]));
    }
    assertThat(worst).isLessThan(1e-4);
  }

  @Test
  void firstOrderDpmSolverPlusPlusEqualsTheDdimScheduler() {
    // With trailing spacing both walk 999, 899, ..., 99 and DDIM's final alpha is 1 (set_alpha_to_one),
    // so DPM-Solver++(1) with a zero final sigma is DDIM with eta 0, step for step.
    Map<String, Object> common = Map.of("beta_start", 0.00085, "beta_end", 0.012, "beta_schedule", "scaled_linear",
        "timestep_spacing", "trailing", "clip_sample", false, "set_alpha_to_one", true);
    FloatTensor init = gaussian(21, 1, 4, 4, 4);
    FloatTensor dpm = run(new DpmSolverMultistepScheduler(SchedulerConfig.of("DPMSolverMultistepScheduler", common)
        .with("solver_order", 1L)), 10, init, null);
    FloatTensor ddim = run(new DdimScheduler(SchedulerConfig.of("DDIMScheduler", common)), 10, init, null);
    assertThat(maxAbsDiff(dpm.data(), ddim.data())).isLessThan(2e-5);
  }

  @Test
  void karrasProviderSetsKarrasSigmasAndKeepsTheModelConfig() {
    Scheduler s = new MultistepSchedulerProviders.DpmPlusPlus2mKarras()
        .create(SchedulerConfig.of("PNDMScheduler", SD).with("skip_prk_steps", true));
    assertThat(s.config().className()).isEqualTo("DPMSolverMultistepScheduler");
    assertThat(s.config().get("use_karras_sigmas")).isEqualTo(true);
    assertThat(s.config().get("skip_prk_steps")).isEqualTo(true);
    s.setTimesteps(20);
    assertThat(s.timesteps()).startsWith(999.0, 962.0, 921.0).endsWith(2.0, 0.0);
  }

  @Test
  void configRoundTripsAndRecreatesTheSameScheduler() {
    DpmSolverMultistepScheduler a = dpm(Map.of("solver_order", 3L, "use_karras_sigmas", true));
    DpmSolverMultistepScheduler b = new DpmSolverMultistepScheduler(a.config());
    assertThat(b.config()).isEqualTo(a.config());
    FloatTensor init = gaussian(5, 1, 4, 4, 4);
    assertThat(run(b, 12, init, null)).isEqualTo(run(a, 12, init, null));
  }

  @Test
  void fromUniPcConfigMapsTheSolverTypeLikeDiffusers() {
    UniPcMultistepScheduler u = new UniPcMultistepScheduler(SchedulerConfig.of("UniPCMultistepScheduler", SD));
    DpmSolverMultistepScheduler d =
        new DpmSolverMultistepScheduler(u.config().withClassName("DPMSolverMultistepScheduler"));
    assertThat(d.config().get("solver_type")).isEqualTo("midpoint");
    assertThat(d.config().get("disable_corrector")).isNotNull();
  }

  @Test
  void sdeVariantDrawsOneNoiseTensorPerStep() {
    DpmSolverMultistepScheduler s = dpm(Map.of("algorithm_type", "sde-dpmsolver++"));
    MultistepTestSupport.CountingNoise noise = new MultistepTestSupport.CountingNoise(9);
    FloatTensor out = run(s, 7, gaussian(1, 1, 4, 4, 4), noise);
    assertThat(noise.draws).hasSize(7);
    assertThat(out.firstNonFinite()).isEqualTo(-1);
    FloatTensor again = run(dpm(Map.of("algorithm_type", "sde-dpmsolver++")), 7, gaussian(1, 1, 4, 4, 4),
        new MultistepTestSupport.CountingNoise(10));
    assertThat(maxAbsDiff(out.data(), again.data())).isGreaterThan(1e-3);
  }

  @Test
  void sdeVariantWithoutNoiseSourceIsRefused() {
    DpmSolverMultistepScheduler s = dpm(Map.of("algorithm_type", "sde-dpmsolver++"));
    s.setTimesteps(3);
    FloatTensor x = gaussian(1, 1, 4, 2, 2);
    assertThatThrownBy(() -> s.step(x, 999, x, StepContext.of(null)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NoiseSource");
  }

  @Test
  void stepBeforeSetTimestepsIsRefused() {
    DpmSolverMultistepScheduler s = dpm(Map.of());
    FloatTensor x = gaussian(1, 1, 4, 2, 2);
    assertThatThrownBy(() -> s.step(x, 999, x, StepContext.of(null)))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("setTimesteps");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "algorithm_type|dpmsolver3|algorithm_type",
      "solver_type|euler|solver_type",
      "solver_order|0|solver_order",
      "prediction_type|velocity|prediction_type",
      "timestep_spacing|karras|timestep_spacing",
      "final_sigmas_type|one|final_sigmas_type",
      "beta_schedule|cubic|beta_schedule",
      "algorithm_type|dpmsolver|final_sigmas_type",
      "algorithm_type|deis|final_sigmas_type"})
  void refusesWhatDiffusersRefuses(String key, String value, String named) {
    Object v = switch (value) {
      case "true" -> Boolean.TRUE;
      case "0" -> 0L;
      default -> value;
    };
    assertThatThrownBy(() -> dpm(Map.of(key, v)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(named);
  }

  @Test
  void refusesTwoSigmaSchedulesAndFlowPredictionWithDpmSolver() {
    assertThatThrownBy(() -> dpm(Map.of("use_karras_sigmas", true, "use_exponential_sigmas", true)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("use_karras_sigmas");
    assertThatThrownBy(() -> dpm(Map.of("algorithm_type", "dpmsolver", "final_sigmas_type", "sigma_min",
        "prediction_type", "flow_prediction")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("flow_prediction");
  }

  @Test
  void wrongTypeNamesKeyAndValue() {
    assertThatThrownBy(() -> dpm(Map.of("solver_order", "two")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("solver_order").hasMessageContaining("two").hasMessageContaining("integer");
  }

  @Test
  void addNoiseUsesTheSigmaOfTheTimestep() {
    DpmSolverMultistepScheduler s = dpm(Map.of());
    s.setTimesteps(10);
    double t = s.timesteps()[3];
    float sigma = s.sigmas()[3];
    double alpha = 1 / Math.sqrt(sigma * (double) sigma + 1);
    FloatTensor x = gaussian(1, 1, 4, 2, 2);
    FloatTensor z = gaussian(2, 1, 4, 2, 2);
    FloatTensor y = s.addNoise(x, z, t);
    for (int i = 0; i < x.size(); i++) {
      assertThat((double) y.data()[i]).isCloseTo(alpha * x.data()[i] + sigma * alpha * z.data()[i],
          org.assertj.core.data.Offset.offset(1e-5));
    }
  }
}
