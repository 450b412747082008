package io.diffuse4j.schedulers;

import java.util.Map;

/**
 * The {@link io.diffuse4j.api.scheduler.SchedulerProvider}s of the multistep solvers and LCM,
 * listed in {@code META-INF/services/io.diffuse4j.api.scheduler.SchedulerProvider} next to the
 * other built-ins: {@code dpm++2m}, {@code dpm++2m-karras}, {@code dpm++2m-sde}, {@code unipc}
 * and {@code lcm}.
 *
 * <pre>{@code
 * Scheduler s = new MultistepSchedulerProviders.DpmPlusPlus2mKarras().create(modelConfig);
 * }</pre>
 *
 * <p>Providers are stateless and thread-safe.
 */
public final class MultistepSchedulerProviders {

  private MultistepSchedulerProviders() {}

  /** {@code dpm++2m}: {@code DPMSolverMultistepScheduler} as the config gives it (DPM-Solver++(2M) by default). */
  public static final class DpmPlusPlus2m extends BuiltInSchedulers.Base {
    /** The provider. */
    public DpmPlusPlus2m() {
      super("dpm++2m", DpmSolverMultistepScheduler.CLASS_NAME, "DPM-Solver++ multistep, 2nd order", Map.of(),
          DpmSolverMultistepScheduler::new);
    }
  }

  /** {@code dpm++2m-karras}: {@code DPMSolverMultistepScheduler} with {@code use_karras_sigmas=true}. */
  public static final class DpmPlusPlus2mKarras extends BuiltInSchedulers.Base {
    /** The provider. */
    public DpmPlusPlus2mKarras() {
      super("dpm++2m-karras", DpmSolverMultistepScheduler.CLASS_NAME,
          "DPM-Solver++ multistep, 2nd order, Karras sigmas", Map.of("use_karras_sigmas", true),
          DpmSolverMultistepScheduler::new);
    }
  }

  /**
   * {@code dpm++2m-sde}: {@code DPMSolverMultistepScheduler} with
   * {@code algorithm_type=sde-dpmsolver++} (stochastic: one noise draw per step).
   */
  public static final class DpmPlusPlus2mSde extends BuiltInSchedulers.Base {
    /** The provider. */
    public DpmPlusPlus2mSde() {
      super("dpm++2m-sde", DpmSolverMultistepScheduler.CLASS_NAME, "SDE-DPM-Solver++ multistep, 2nd order",
          Map.of("algorithm_type", "sde-dpmsolver++"), DpmSolverMultistepScheduler::new);
    }
  }

  /** {@code unipc}: {@code UniPCMultistepScheduler}. */
  public static final class UniPc extends BuiltInSchedulers.Base {
    /** The provider. */
    public UniPc() {
      super("unipc", UniPcMultistepScheduler.CLASS_NAME, "UniPC multistep predictor-corrector", Map.of(),
          UniPcMultistepScheduler::new);
    }
  }

  /** {@code lcm}: {@code LCMScheduler}, for latent-consistency distilled models (few steps). */
  public static final class Lcm extends BuiltInSchedulers.Base {
    /** The provider. */
    public Lcm() {
      super("lcm", LcmScheduler.CLASS_NAME, "Latent Consistency Model sampling", Map.of(), LcmScheduler::new);
    }
  }
}
