package io.diffuse4j.schedulers.contract;

import io.diffuse4j.api.scheduler.Scheduler;
import io.diffuse4j.api.scheduler.SchedulerConfig;
import io.diffuse4j.schedulers.EulerDiscreteScheduler;
import java.util.function.Function;

class EulerDiscreteContractTest extends AbstractSchedulerContractTest {

  @Override
  protected String className() {
    return EulerDiscreteScheduler.CLASS_NAME;
  }

  @Override
  protected String providerName() {
    return "euler";
  }

  @Override
  protected Function<SchedulerConfig, Scheduler> factory() {
    return EulerDiscreteScheduler::new;
  }

}
