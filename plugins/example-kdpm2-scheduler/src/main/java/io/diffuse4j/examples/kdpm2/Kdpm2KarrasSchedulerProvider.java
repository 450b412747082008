package io.diffuse4j.examples.kdpm2;

import io.diffuse4j.schedulers.toolkit.ConfiguredSchedulerProvider;
import java.util.Map;

/**
 * Registers {@link Kdpm2DiscreteScheduler} with Karras sigmas as {@code kdpm2-karras}
 * ({@code use_karras_sigmas=true} on top of the model's config), the way the built-in
 * {@code dpm++2m-karras} sits next to {@code dpm++2m}.
 *
 * <p>Stateless and thread-safe.
 */
public final class Kdpm2KarrasSchedulerProvider extends ConfiguredSchedulerProvider {

  /** For {@link java.util.ServiceLoader}. */
  public Kdpm2KarrasSchedulerProvider() {
    super("kdpm2-karras", Kdpm2Settings.CLASS_NAME,
        "KDPM2 with Karras sigmas - diffusers KDPM2DiscreteScheduler(use_karras_sigmas=True) [plugin]",
        Map.of("use_karras_sigmas", true), Kdpm2DiscreteScheduler::new);
  }
}
