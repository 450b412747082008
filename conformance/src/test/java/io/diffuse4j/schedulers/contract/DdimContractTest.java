package io.diffuse4j.schedulers.contract;

import io.diffuse4j.api.scheduler.Scheduler;
import io.diffuse4j.api.scheduler.SchedulerConfig;
import io.diffuse4j.schedulers.DdimScheduler;
import java.util.function.Function;

class DdimContractTest extends AbstractSchedulerContractTest {

  @Override
  protected String className() {
    return DdimScheduler.CLASS_NAME;
  }

  @Override
  protected String providerName() {
    return "ddim";
  }

  @Override
  protected Function<SchedulerConfig, Scheduler> factory() {
    return DdimScheduler::new;
  }

}
