package io.diffuse4j.schedulers;

import io.diffuse4j.api.scheduler.Scheduler;
import io.diffuse4j.api.scheduler.SchedulerConfig;
import io.diffuse4j.api.scheduler.SchedulerProvider;
import java.util.Map;

/**
 * The {@link SchedulerProvider}s of the multistep solvers and LCM, registered in
 * {@code META-INF/services/io.diffuse4j.api.scheduler.SchedulerProvider}:
 * {@code dpm++2m}, {@code dpm++2m-karras}, {@code dpm++2m-sde}, {@code unipc} and {@code lcm}.
 *
 * <pre>{@code
 * Scheduler s = new MultistepSchedulerProviders.DpmPlusPlus2mKarras().create(modelConfig);
 * }</pre>
 *
 * <p>Providers are stateless and thread-safe.
 */
public final class MultistepSchedulerProviders {

  private MultistepSchedulerProviders() {}

  /** The model's config with this name's overrides on top, under the scheduler's class name. */
  static SchedulerConfig prepare(SchedulerConfig config, String className, Map<String, Object> overrides) {
    SchedulerConfig base = config == null ? SchedulerConfig.of(className, Map.of()) : config.withClassName(className);
    return SchedulerSettings.withOverrides(base, overrides);
  }

  /** {@code dpm++2m}: diffusers' {@code DPMSolverMultistepScheduler} as the config gives it (DPM-Solver++(2M) by default). */
  public static final class DpmPlusPlus2m implements SchedulerProvider {
    @Override
    public String name() {
      return "dpm++2m";
    }

    @Override
    public String diffusersClassName() {
      return DpmSolverMultistepScheduler.CLASS_NAME;
    }

    @Override
    public String description() {
      return "DPM-Solver++ multistep, 2nd order (DPMSolverMultistepScheduler)";
    }

    @Override
    public Scheduler create(SchedulerConfig config) {
      return new DpmSolverMultistepScheduler(prepare(config, diffusersClassName(), overrides()));
    }
  }

  /** {@code dpm++2m-karras}: {@code DPMSolverMultistepScheduler} with {@code use_karras_sigmas=true}. */
  public static final class DpmPlusPlus2mKarras implements SchedulerProvider {
    @Override
    public String name() {
      return "dpm++2m-karras";
    }

    @Override
    public String diffusersClassName() {
      return DpmSolverMultistepScheduler.CLASS_NAME;
    }

    @Override
    public String description() {
      return "DPM-Solver++ multistep, 2nd order, Karras sigmas (DPMSolverMultistepScheduler)";
    }

    @Override
    public Map<String, Object> overrides() {
      return Map.of("use_karras_sigmas", true);
    }

    @Override
    public Scheduler create(SchedulerConfig config) {
      return new DpmSolverMultistepScheduler(prepare(config, diffusersClassName(), overrides()));
    }
  }

  /**
   * {@code dpm++2m-sde}: {@code DPMSolverMultistepScheduler} with
   * {@code algorithm_type=sde-dpmsolver++} (stochastic; draws one noise tensor per step).
   */
  public static final class DpmPlusPlus2mSde implements SchedulerProvider {
    @Override
    public String name() {
      return "dpm++2m-sde";
    }

    @Override
    public String diffusersClassName() {
      return DpmSolverMultistepScheduler.CLASS_NAME;
    }

    @Override
    public String description() {
      return "SDE-DPM-Solver++ multistep, 2nd order (DPMSolverMultistepScheduler)";
    }

    @Override
    public Map<String, Object> overrides() {
      return Map.of("algorithm_type", "sde-dpmsolver++");
    }

    @Override
    public Scheduler create(SchedulerConfig config) {
      return new DpmSolverMultistepScheduler(prepare(config, diffusersClassName(), overrides()));
    }
  }

  /** {@code unipc}: diffusers' {@code UniPCMultistepScheduler}. */
  public static final class UniPc implements SchedulerProvider {
    @Override
    public String name() {
      return "unipc";
    }

    @Override
    public String diffusersClassName() {
      return UniPcMultistepScheduler.CLASS_NAME;
    }

    @Override
    public String description() {
      return "UniPC multistep predictor-corrector (UniPCMultistepScheduler)";
    }

    @Override
    public Scheduler create(SchedulerConfig config) {
      return new UniPcMultistepScheduler(prepare(config, diffusersClassName(), overrides()));
    }
  }

  /** {@code lcm}: diffusers' {@code LCMScheduler} (for latent-consistency distilled models). */
  public static final class Lcm implements SchedulerProvider {
    @Override
    public String name() {
      return "lcm";
    }

    @Override
    public String diffusersClassName() {
      return LcmScheduler.CLASS_NAME;
    }

    @Override
    public String description() {
      return "Latent Consistency Model sampling, few steps (LCMScheduler)";
    }

    @Override
    public Scheduler create(SchedulerConfig config) {
      return new LcmScheduler(prepare(config, diffusersClassName(), overrides()));
    }
  }
}
