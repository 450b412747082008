package io.diffuse4j.schedulers.contract;

import io.diffuse4j.api.scheduler.Scheduler;
import io.diffuse4j.api.scheduler.SchedulerConfig;
import io.diffuse4j.schedulers.HeunDiscreteScheduler;
import java.util.function.Function;

class HeunDiscreteContractTest extends AbstractSchedulerContractTest {

  @Override
  protected String className() {
    return HeunDiscreteScheduler.CLASS_NAME;
  }

  @Override
  protected String providerName() {
    return "heun";
  }

  @Override
  protected Function<SchedulerConfig, Scheduler> factory() {
    return HeunDiscreteScheduler::new;
  }

}
