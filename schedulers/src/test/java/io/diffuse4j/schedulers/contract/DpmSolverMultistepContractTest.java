package io.diffuse4j.schedulers.contract;

import io.diffuse4j.api.scheduler.Scheduler;
import io.diffuse4j.api.scheduler.SchedulerConfig;
import io.diffuse4j.schedulers.DpmSolverMultistepScheduler;
import java.util.List;
import java.util.function.Function;

class DpmSolverMultistepContractTest extends AbstractSchedulerContractTest {

  @Override
  String className() {
    return DpmSolverMultistepScheduler.CLASS_NAME;
  }

  @Override
  String providerName() {
    return "dpm++2m";
  }

  @Override
  Function<SchedulerConfig, Scheduler> factory() {
    return DpmSolverMultistepScheduler::new;
  }

  @Override
  List<String> cases() {
    return List.of("schedulers/dpmpp-2m.json", "schedulers/dpmpp-2m-karras.json", "add-noise/add-noise-dpm*");
  }
}
