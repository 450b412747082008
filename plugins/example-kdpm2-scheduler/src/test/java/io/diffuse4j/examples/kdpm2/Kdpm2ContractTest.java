package io.diffuse4j.examples.kdpm2;

import io.diffuse4j.api.scheduler.Scheduler;
import io.diffuse4j.api.scheduler.SchedulerConfig;
import io.diffuse4j.schedulers.Schedulers;
import io.diffuse4j.schedulers.contract.AbstractSchedulerContractTest;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;

/**
 * The scheduler contract every built-in passes (the conformance module's test kit), for the
 * plugin's scheduler: config round trip, re-creation from another class's config, refusal of bad
 * values, registration, and its cases under {@code kdpm2-conformance/}.
 */
class Kdpm2ContractTest extends AbstractSchedulerContractTest {

  @Override
  protected String className() {
    return Kdpm2Settings.CLASS_NAME;
  }

  @Override
  protected String providerName() {
    return "kdpm2";
  }

  @Override
  protected Function<SchedulerConfig, Scheduler> factory() {
    return Kdpm2DiscreteScheduler::new;
  }

  @Override
  protected Path caseRoot() {
    return Kdpm2ConformanceTest.resource("/kdpm2-conformance");
  }

  @Override
  protected Schedulers schedulers() {
    return new Schedulers(Map.of("kdpm2", new Kdpm2SchedulerProvider(),
        "kdpm2-karras", new Kdpm2KarrasSchedulerProvider()));
  }
}
