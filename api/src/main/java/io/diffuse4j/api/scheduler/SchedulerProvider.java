package io.diffuse4j.api.scheduler;

import java.util.Map;

/**
 * Service-provider interface that registers a scheduler under a short name. Built-in
 * schedulers and plugin jars register the same way (listed in
 * {@code META-INF/services/io.diffuse4j.api.scheduler.SchedulerProvider}); names must be unique.
 *
 * <p>Several providers may share one diffusers class with different {@link #overrides()}
 * ({@code dpm++2m} and {@code dpm++2m-karras}); the provider without overrides is the one a
 * model's {@code _class_name} selects. Implementations are stateless and thread-safe.
 */
public interface SchedulerProvider {

  /** The short name users type, e.g. {@code euler-a}. Lower case, no spaces. */
  String name();

  /** The diffusers class this scheduler is equal to, e.g. {@code EulerAncestralDiscreteScheduler}. */
  String diffusersClassName();

  /** One line for listings. */
  default String description() {
    return diffusersClassName();
  }

  /** Config keys this name sets on top of the model's config (e.g. {@code use_karras_sigmas=true}). */
  default Map<String, Object> overrides() {
    return Map.of();
  }

  /**
   * A new scheduler from a config (the model's, possibly of another class: keep the keys this
   * class knows, use its defaults for the rest, then apply {@link #overrides()}).
   *
   * @throws IllegalArgumentException naming the key and value when the config is invalid
   */
  Scheduler create(SchedulerConfig config);
}
