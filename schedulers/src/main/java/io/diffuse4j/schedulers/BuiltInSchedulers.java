package io.diffuse4j.schedulers;

import io.diffuse4j.api.scheduler.Scheduler;
import io.diffuse4j.api.scheduler.SchedulerConfig;
import io.diffuse4j.schedulers.toolkit.ConfiguredSchedulerProvider;
import java.util.Map;
import java.util.function.Function;

/**
 * The built-in {@link io.diffuse4j.api.scheduler.SchedulerProvider}s, one small nested class per short name, listed in
 * {@code META-INF/services/io.diffuse4j.api.scheduler.SchedulerProvider}. Stateless and thread-safe.
 */
public final class BuiltInSchedulers {

  private BuiltInSchedulers() {}

  /** Base of the built-in providers: the toolkit's provider, constructed in one call. */
  abstract static class Base extends ConfiguredSchedulerProvider {
    Base(String name, String className, String description, Map<String, Object> overrides,
        Function<SchedulerConfig, Scheduler> factory) {
      super(name, className, description, overrides, factory);
    }
  }

  /** {@code ddim}: DDIMScheduler. */
  public static final class Ddim extends Base {
    /** The provider. */
    public Ddim() {
      super("ddim", DdimScheduler.CLASS_NAME, "DDIM (deterministic with eta 0)", Map.of(), DdimScheduler::new);
    }
  }

  /** {@code ddpm}: DDPMScheduler. */
  public static final class Ddpm extends Base {
    /** The provider. */
    public Ddpm() {
      super("ddpm", DdpmScheduler.CLASS_NAME, "DDPM (ancestral, many steps)", Map.of(), DdpmScheduler::new);
    }
  }

  /** {@code pndm}: PNDMScheduler (Stable Diffusion 1.x's own scheduler, PLMS with skip_prk_steps). */
  public static final class Pndm extends Base {
    /** The provider. */
    public Pndm() {
      super("pndm", PndmScheduler.CLASS_NAME, "PNDM / PLMS (pseudo linear multistep)", Map.of(), PndmScheduler::new);
    }
  }

  /** {@code euler}: EulerDiscreteScheduler. */
  public static final class Euler extends Base {
    /** The provider. */
    public Euler() {
      super("euler", EulerDiscreteScheduler.CLASS_NAME, "Euler (k-diffusion, deterministic)", Map.of(),
          EulerDiscreteScheduler::new);
    }
  }

  /** {@code euler-a}: EulerAncestralDiscreteScheduler. */
  public static final class EulerAncestral extends Base {
    /** The provider. */
    public EulerAncestral() {
      super("euler-a", EulerAncestralDiscreteScheduler.CLASS_NAME, "Euler ancestral (adds noise every step)",
          Map.of(), EulerAncestralDiscreteScheduler::new);
    }
  }

  /** {@code lms}: LMSDiscreteScheduler. */
  public static final class Lms extends Base {
    /** The provider. */
    public Lms() {
      super("lms", LmsDiscreteScheduler.CLASS_NAME, "Linear multistep (order 4)", Map.of(), LmsDiscreteScheduler::new);
    }
  }

  /** {@code heun}: HeunDiscreteScheduler (two model evaluations per step). */
  public static final class Heun extends Base {
    /** The provider. */
    public Heun() {
      super("heun", HeunDiscreteScheduler.CLASS_NAME, "Heun (2nd order, two evaluations per step)", Map.of(),
          HeunDiscreteScheduler::new);
    }
  }
}
