package io.diffuse4j.schedulers.contract;

import io.diffuse4j.api.scheduler.Scheduler;
import io.diffuse4j.api.scheduler.SchedulerConfig;
import io.diffuse4j.schedulers.EulerAncestralDiscreteScheduler;
import java.util.function.Function;

class EulerAncestralDiscreteContractTest extends AbstractSchedulerContractTest {

  @Override
  protected String className() {
    return EulerAncestralDiscreteScheduler.CLASS_NAME;
  }

  @Override
  protected String providerName() {
    return "euler-a";
  }

  @Override
  protected Function<SchedulerConfig, Scheduler> factory() {
    return EulerAncestralDiscreteScheduler::new;
  }

}
