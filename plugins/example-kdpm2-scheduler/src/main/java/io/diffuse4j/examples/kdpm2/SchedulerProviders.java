package io.diffuse4j.examples.kdpm2;

import io.diffuse4j.api.scheduler.SchedulerConfig;
import java.util.Map;

/** INTERIM: applying a provider's overrides, until the schedulers module's helper lands. */
final class SchedulerProviders {

  private SchedulerProviders() {}

  static SchedulerConfig withOverrides(SchedulerConfig config, Map<String, Object> overrides) {
    SchedulerConfig c = config == null ? SchedulerConfig.of(Kdpm2Settings.CLASS_NAME, Map.of()) : config;
    for (Map.Entry<String, Object> e : overrides.entrySet()) {
      c = c.with(e.getKey(), e.getValue());
    }
    return c;
  }
}
