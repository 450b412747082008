package io.diffuse4j.plugins;

import io.diffuse4j.api.scheduler.Scheduler;
import io.diffuse4j.api.scheduler.SchedulerConfig;
import io.diffuse4j.api.scheduler.SchedulerProvider;

/**
 * A "built-in" scheduler name on the test class path (listed in the test resources'
 * {@code META-INF/services}), so the clash-with-built-in rule is tested through the same
 * ServiceLoader lookup production uses.
 */
public final class TestBuiltInProvider implements SchedulerProvider {

  @Override
  public String name() {
    return "test-builtin";
  }

  @Override
  public String diffusersClassName() {
    return "TestBuiltIn";
  }

  @Override
  public Scheduler create(SchedulerConfig config) {
    throw new UnsupportedOperationException("only its name is used in tests");
  }
}
