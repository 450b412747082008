package io.diffuse4j.schedulers.contract;

import io.diffuse4j.api.scheduler.Scheduler;
import io.diffuse4j.api.scheduler.SchedulerConfig;
import io.diffuse4j.schedulers.LmsDiscreteScheduler;
import java.util.function.Function;

class LmsDiscreteContractTest extends AbstractSchedulerContractTest {

  @Override
  protected String className() {
    return LmsDiscreteScheduler.CLASS_NAME;
  }

  @Override
  protected String providerName() {
    return "lms";
  }

  @Override
  protected Function<SchedulerConfig, Scheduler> factory() {
    return LmsDiscreteScheduler::new;
  }

}
