package io.diffuse4j.examples.kdpm2;

import io.diffuse4j.api.scheduler.Scheduler;
import io.diffuse4j.api.scheduler.SchedulerConfig;
import io.diffuse4j.api.scheduler.SchedulerProvider;
import java.util.Map;

/**
 * Registers {@link Kdpm2DiscreteScheduler} with Karras sigmas as {@code kdpm2-karras}
 * ({@code use_karras_sigmas=true} on top of the model's config), the way the built-in
 * {@code dpm++2m-karras} sits next to {@code dpm++2m}.
 *
 * <p>Stateless and thread-safe.
 */
public final class Kdpm2KarrasSchedulerProvider implements SchedulerProvider {

  /** For {@link java.util.ServiceLoader}. */
  public Kdpm2KarrasSchedulerProvider() {
    // nothing to set up
  }

  @Override
  public String name() {
    return "kdpm2-karras";
  }

  @Override
  public String diffusersClassName() {
    return Kdpm2Settings.CLASS_NAME;
  }

  @Override
  public String description() {
    return "KDPM2 with Karras sigmas - diffusers KDPM2DiscreteScheduler(use_karras_sigmas=True) [plugin]";
  }

  @Override
  public Map<String, Object> overrides() {
    return Map.of("use_karras_sigmas", true);
  }

  @Override
  public Scheduler create(SchedulerConfig config) {
    SchedulerConfig c = config.withClassName(Kdpm2Settings.CLASS_NAME);
    for (Map.Entry<String, Object> e : overrides().entrySet()) {
      c = c.with(e.getKey(), e.getValue());
    }
    return new Kdpm2DiscreteScheduler(c);
  }
}
