package io.diffuse4j.schedulers;

import static org.assertj.core.api.Assertions.assertThat;

import io.diffuse4j.api.scheduler.Scheduler;
import io.diffuse4j.api.scheduler.SchedulerConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The multistep providers as production finds them (ServiceLoader through {@link Schedulers#builtIn()}). */
class MultistepProvidersTest {

  private static final SchedulerConfig SD_PNDM = SchedulerConfig.of("PNDMScheduler", Map.of(
      "beta_start", 0.00085, "beta_end", 0.012, "beta_schedule", "scaled_linear", "num_train_timesteps", 1000L,
      "set_alpha_to_one", false, "skip_prk_steps", true, "steps_offset", 1L, "timestep_spacing", "leading"));

  @Test
  void shortNamesAreRegistered() {
    assertThat(Schedulers.builtIn().names())
        .contains("dpm++2m", "dpm++2m-karras", "dpm++2m-sde", "unipc", "lcm");
  }

  @Test
  void classNamesSelectTheProviderWithoutOverrides() {
    Schedulers all = Schedulers.builtIn();
    assertThat(all.provider("DPMSolverMultistepScheduler")).get()
        .extracting(p -> p.name()).isEqualTo("dpm++2m");
    assertThat(all.provider("UniPCMultistepScheduler")).get().extracting(p -> p.name()).isEqualTo("unipc");
    assertThat(all.provider("LCMScheduler")).get().extracting(p -> p.name()).isEqualTo("lcm");
  }

  @Test
  void namesApplyTheirOverridesOnTheModelConfig() {
    Schedulers all = Schedulers.builtIn();
    Scheduler karras = all.create("dpm++2m-karras", SD_PNDM);
    assertThat(karras).isInstanceOf(DpmSolverMultistepScheduler.class);
    assertThat(karras.config().get("use_karras_sigmas")).isEqualTo(true);
    assertThat(karras.config().get("timestep_spacing")).isEqualTo("leading");
    Scheduler sde = all.create("dpm++2m-sde", SD_PNDM);
    assertThat(sde.config().get("algorithm_type")).isEqualTo("sde-dpmsolver++");
    Scheduler lcm = all.create("lcm", SD_PNDM);
    lcm.setTimesteps(4);
    assertThat(lcm.timesteps()).containsExactly(999, 759, 499, 259);
    Scheduler unipc = all.create("unipc", SD_PNDM);
    unipc.setTimesteps(4);
    // leading spacing of the SD config: 1000 // 5 = 200 -> 800, 600, 400, 200 (+ steps_offset 1)
    assertThat(unipc.timesteps()).containsExactly(801, 601, 401, 201);
  }
}
