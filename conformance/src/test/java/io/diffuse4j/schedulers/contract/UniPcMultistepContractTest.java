package io.diffuse4j.schedulers.contract;

import io.diffuse4j.api.scheduler.Scheduler;
import io.diffuse4j.api.scheduler.SchedulerConfig;
import io.diffuse4j.schedulers.UniPcMultistepScheduler;
import java.util.function.Function;

class UniPcMultistepContractTest extends AbstractSchedulerContractTest {

  @Override
  protected String className() {
    return UniPcMultistepScheduler.CLASS_NAME;
  }

  @Override
  protected String providerName() {
    return "unipc";
  }

  @Override
  protected Function<SchedulerConfig, Scheduler> factory() {
    return UniPcMultistepScheduler::new;
  }

}
