package io.diffuse4j.examples.kdpm2;

import io.diffuse4j.api.scheduler.Scheduler;
import io.diffuse4j.api.scheduler.SchedulerConfig;
import io.diffuse4j.api.scheduler.SchedulerProvider;
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
public final class Kdpm2SchedulerProvider implements SchedulerProvider {

  /** For {@link java.util.ServiceLoader}. */
  public Kdpm2SchedulerProvider() {
    // nothing to set up
  }

  @Override
  public String name() {
    return "kdpm2";
  }

  @Override
  public String diffusersClassName() {
    return Kdpm2Settings.CLASS_NAME;
  }

  @Override
  public String description() {
    return "KDPM2 (DPM-Solver-2, two model calls per step) - diffusers KDPM2DiscreteScheduler [plugin]";
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
