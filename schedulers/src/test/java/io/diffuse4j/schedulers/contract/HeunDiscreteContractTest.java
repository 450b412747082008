package io.diffuse4j.schedulers.contract;

import io.diffuse4j.api.scheduler.Scheduler;
import io.diffuse4j.api.scheduler.SchedulerConfig;
import io.diffuse4j.schedulers.HeunDiscreteScheduler;
import java.util.List;
import java.util.function.Function;

class HeunDiscreteContractTest extends AbstractSchedulerContractTest {

  @Override
  String className() {
    return HeunDiscreteScheduler.CLASS_NAME;
  }

  @Override
  String providerName() {
    return "heun";
  }

  @Override
  Function<SchedulerConfig, Scheduler> factory() {
    return HeunDiscreteScheduler::new;
  }

  @Override
  List<String> cases() {
    return List.of("schedulers/heun.json", "sigma-generated/heun-*", "add-noise/an-heun-*");
  }
}
