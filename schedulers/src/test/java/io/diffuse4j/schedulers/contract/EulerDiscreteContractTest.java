package io.diffuse4j.schedulers.contract;

import io.diffuse4j.api.scheduler.Scheduler;
import io.diffuse4j.api.scheduler.SchedulerConfig;
import io.diffuse4j.schedulers.EulerDiscreteScheduler;
import java.util.List;
import java.util.function.Function;

class EulerDiscreteContractTest extends AbstractSchedulerContractTest {

  @Override
  String className() {
    return EulerDiscreteScheduler.CLASS_NAME;
  }

  @Override
  String providerName() {
    return "euler";
  }

  @Override
  Function<SchedulerConfig, Scheduler> factory() {
    return EulerDiscreteScheduler::new;
  }

  @Override
  List<String> cases() {
    return List.of("schedulers/euler.json", "sigma-generated/euler-*", "add-noise/add-noise-euler-*", "add-noise/an-euler-*");
  }
}
