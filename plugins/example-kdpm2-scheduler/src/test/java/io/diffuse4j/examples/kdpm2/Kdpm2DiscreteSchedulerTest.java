package io.diffuse4j.examples.kdpm2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.diffuse4j.api.scheduler.Scheduler;
import io.diffuse4j.api.scheduler.SchedulerConfig;
import io.diffuse4j.api.scheduler.StepContext;
import io.diffuse4j.api.tensor.FloatTensor;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class Kdpm2DiscreteSchedulerTest {

  private static final SchedulerConfig SD = SchedulerConfig.of("PNDMScheduler", Map.of(
      "beta_schedule", "scaled_linear", "beta_start", 0.00085, "beta_end", 0.012, "steps_offset", 1L,
      "skip_prk_steps", true, "set_alpha_to_one", false, "num_train_timesteps", 1000L));

  @Test
  void twoModelCallsPerStepAndTimestepsFromDiffusers() {
    Scheduler s = new Kdpm2SchedulerProvider().create(SD);
    assertThat(s.order()).isEqualTo(2);
    s.setTimesteps(20);
    assertThat(s.timesteps()).hasSize(39);
    assertThat(s.timesteps()[0]).isEqualTo(999.0);
    assertThat(s.timesteps()[38]).isEqualTo(0.0);
    // trailing spacing with 61 steps: numpy's arange yields 62 timesteps, the last -1 (as diffusers)
    Scheduler trailing = new Kdpm2SchedulerProvider().create(SD.with("timestep_spacing", "trailing"));
    trailing.setTimesteps(61);
    assertThat(trailing.timesteps()).hasSize(123);
    assertThat(trailing.timesteps()[0]).isEqualTo(999.0);
    assertThat(trailing.timesteps()[122]).isEqualTo(-1.0);
  }

  @Test
  void configFromAnotherClassKeepsItsKeysAndRoundTrips() {
    Kdpm2DiscreteScheduler s = (Kdpm2DiscreteScheduler) new Kdpm2SchedulerProvider().create(SD);
    assertThat(s.config().className()).isEqualTo("KDPM2DiscreteScheduler");
    assertThat(s.config().values()).containsEntry("skip_prk_steps", true).containsEntry("set_alpha_to_one", false)
        .containsEntry("beta_schedule", "scaled_linear").containsEntry("use_karras_sigmas", false)
        .containsEntry("timestep_spacing", "linspace");
    assertThat(s.settings().stepsOffset()).isEqualTo(1);
    Kdpm2DiscreteScheduler again = (Kdpm2DiscreteScheduler) new Kdpm2SchedulerProvider().create(s.config());
    assertThat(again.config()).isEqualTo(s.config());
    assertThat(again.settings()).isEqualTo(s.settings());
  }

  @Test
  void karrasProviderOverridesTheModelConfig() {
    Kdpm2DiscreteScheduler s = (Kdpm2DiscreteScheduler) new Kdpm2KarrasSchedulerProvider()
        .create(SD.with("use_karras_sigmas", false));
    assertThat(s.settings().useKarrasSigmas()).isTrue();
    s.setTimesteps(10);
    Kdpm2DiscreteScheduler plain = (Kdpm2DiscreteScheduler) new Kdpm2SchedulerProvider().create(SD);
    plain.setTimesteps(10);
    assertThat(s.timesteps()).hasSize(19).isNotEqualTo(plain.timesteps());
    assertThat(s.timesteps()[0]).isEqualTo(plain.timesteps()[0]);  // both start at sigma_max
  }

  @Test
  void rerunningGivesTheSameNumbers() {
    Scheduler s = new Kdpm2SchedulerProvider().create(SD);
    float[] first = run(s);
    float[] second = run(s);
    assertThat(second).containsExactly(first);
  }

  private static float[] run(Scheduler s) {
    s.setTimesteps(5);
    FloatTensor x = FloatTensor.of(new float[] {1f, -2f, 0.5f, 3f}, 1, 1, 2, 2);
    for (double t : s.timesteps()) {
      FloatTensor in = s.scaleModelInput(x, t);
      x = s.step(in, t, x, StepContext.of(shape -> FloatTensor.zeros(shape)));
    }
    return x.data();
  }

  @Test
  void refusesWhatDiffusersRefusesWithTheKeyInTheMessage() {
    Kdpm2SchedulerProvider p = new Kdpm2SchedulerProvider();
    assertThatThrownBy(() -> p.create(SD.with("beta_schedule", "cosine")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("beta_schedule 'cosine'");
    assertThatThrownBy(() -> p.create(SD.with("prediction_type", "sample")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("prediction_type 'sample'");
    assertThatThrownBy(() -> p.create(SD.with("prediction_type", "x0")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("prediction_type 'x0'");
    assertThatThrownBy(() -> p.create(SD.with("use_karras_sigmas", true).with("use_exponential_sigmas", true)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("only one of");
    assertThatThrownBy(() -> p.create(SD.with("use_beta_sigmas", true)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("use_beta_sigmas");
    assertThatThrownBy(() -> p.create(SD.with("timestep_spacing", "even")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("timestep_spacing 'even'");
    assertThatThrownBy(() -> p.create(SD.with("num_train_timesteps", "1000")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("num_train_timesteps '1000' is invalid");
    Map<String, Object> betas = new LinkedHashMap<>(SD.values());
    betas.put("trained_betas", java.util.List.of(0.1, 0.2));
    assertThatThrownBy(() -> p.create(new SchedulerConfig("X", betas)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("trained_betas has 2 values");
  }

  @Test
  void misuseOfARunIsAClearError() {
    Scheduler s = new Kdpm2SchedulerProvider().create(SD);
    assertThatThrownBy(() -> s.setTimesteps(0)).hasMessageContaining("num_inference_steps must be between 1 and");
    s.setTimesteps(2);
    FloatTensor x = FloatTensor.zeros(1, 1, 1, 2);
    assertThatThrownBy(() -> s.step(x, 123.25, x, null)).hasMessageContaining("timestep 123.25 is not one of");
    for (double t : s.timesteps()) {
      s.step(x, t, x, null);
    }
    assertThatThrownBy(() -> s.step(x, 0.0, x, null)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("call setTimesteps");
    s.setBeginIndex(3); // = timesteps().length: strength 0 keeps no timestep, as diffusers allows
    assertThatThrownBy(() -> s.setBeginIndex(4)).hasMessageContaining("begin index 4");
  }
}
