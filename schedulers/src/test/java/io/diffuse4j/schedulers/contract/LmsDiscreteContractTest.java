package io.diffuse4j.schedulers.contract;

import io.diffuse4j.api.scheduler.Scheduler;
import io.diffuse4j.api.scheduler.SchedulerConfig;
import io.diffuse4j.schedulers.LmsDiscreteScheduler;
import java.util.List;
import java.util.function.Function;

class LmsDiscreteContractTest extends AbstractSchedulerContractTest {

  @Override
  String className() {
    return LmsDiscreteScheduler.CLASS_NAME;
  }

  @Override
  String providerName() {
    return "lms";
  }

  @Override
  Function<SchedulerConfig, Scheduler> factory() {
    return LmsDiscreteScheduler::new;
  }

  @Override
  List<String> cases() {
    return List.of("schedulers/lms.json", "sigma-generated/lms-*", "add-noise/an-lms-*");
  }
}
