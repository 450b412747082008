package io.diffuse4j.schedulers.contract;

import io.diffuse4j.api.scheduler.Scheduler;
import io.diffuse4j.api.scheduler.SchedulerConfig;
import io.diffuse4j.schedulers.DpmSolverMultistepScheduler;
import java.util.function.Function;

class DpmSolverMultistepContractTest extends AbstractSchedulerContractTest {

  @Override
  protected String className() {
    return DpmSolverMultistepScheduler.CLASS_NAME;
  }

  @Override
  protected String providerName() {
    return "dpm++2m";
  }

  @Override
  protected Function<SchedulerConfig, Scheduler> factory() {
    return DpmSolverMultistepScheduler::new;
  }

}
