package io.diffuse4j.examples.kdpm2;

import io.diffuse4j.schedulers.toolkit.ConfiguredSchedulerProvider;
import java.util.Map;

/**
 * Registers {@link Kdpm2DiscreteScheduler} as {@code kdpm2}: the plugin's entry, listed in
 * {@code META-INF/services/io.diffuse4j.api.scheduler.SchedulerProvider}.
 *
 * <pre>{@code
 * ./diffuse generate --plugins plugins/ --scheduler kdpm2 "a lighthouse at dusk"
 * }</pre>
 *
 * <p>Stateless and thread-safe.
 */
public final class Kdpm2SchedulerProvider extends ConfiguredSchedulerProvider {

  /** For {@link java.util.ServiceLoader}. */
  public Kdpm2SchedulerProvider() {
    super("kdpm2", Kdpm2Settings.CLASS_NAME, "KDPM2 (DPM-Solver-2, two model calls per step) - diffusers KDPM2DiscreteScheduler [plugin]",
        Map.of(), Kdpm2DiscreteScheduler::new);
  }
}
