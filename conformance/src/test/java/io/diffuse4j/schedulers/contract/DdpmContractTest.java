package io.diffuse4j.schedulers.contract;

import io.diffuse4j.api.scheduler.Scheduler;
import io.diffuse4j.api.scheduler.SchedulerConfig;
import io.diffuse4j.schedulers.DdpmScheduler;
import java.util.function.Function;

class DdpmContractTest extends AbstractSchedulerContractTest {

  @Override
  protected String className() {
    return DdpmScheduler.CLASS_NAME;
  }

  @Override
  protected String providerName() {
    return "ddpm";
  }

  @Override
  protected Function<SchedulerConfig, Scheduler> factory() {
    return DdpmScheduler::new;
  }

}
