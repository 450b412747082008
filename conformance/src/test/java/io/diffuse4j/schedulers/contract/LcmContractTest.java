package io.diffuse4j.schedulers.contract;

import io.diffuse4j.api.scheduler.Scheduler;
import io.diffuse4j.api.scheduler.SchedulerConfig;
import io.diffuse4j.schedulers.LcmScheduler;
import java.util.function.Function;

class LcmContractTest extends AbstractSchedulerContractTest {

  @Override
  protected String className() {
    return LcmScheduler.CLASS_NAME;
  }

  @Override
  protected String providerName() {
    return "lcm";
  }

  @Override
  protected Function<SchedulerConfig, Scheduler> factory() {
    return LcmScheduler::new;
  }

  @Override
  protected boolean readsTimestepSpacing() {
    return false;
  }
}
