package io.diffuse4j.schedulers.contract;

import io.diffuse4j.api.scheduler.Scheduler;
import io.diffuse4j.api.scheduler.SchedulerConfig;
import io.diffuse4j.schedulers.PndmScheduler;
import java.util.function.Function;

class PndmContractTest extends AbstractSchedulerContractTest {

  @Override
  protected String className() {
    return PndmScheduler.CLASS_NAME;
  }

  @Override
  protected String providerName() {
    return "pndm";
  }

  @Override
  protected Function<SchedulerConfig, Scheduler> factory() {
    return PndmScheduler::new;
  }

}
