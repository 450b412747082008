package io.diffuse4j.schedulers.contract;

import io.diffuse4j.api.scheduler.Scheduler;
import io.diffuse4j.api.scheduler.SchedulerConfig;
import io.diffuse4j.schedulers.EulerAncestralDiscreteScheduler;
import java.util.List;
import java.util.function.Function;

class EulerAncestralDiscreteContractTest extends AbstractSchedulerContractTest {

  @Override
  String className() {
    return EulerAncestralDiscreteScheduler.CLASS_NAME;
  }

  @Override
  String providerName() {
    return "euler-a";
  }

  @Override
  Function<SchedulerConfig, Scheduler> factory() {
    return EulerAncestralDiscreteScheduler::new;
  }

  @Override
  List<String> cases() {
    return List.of("schedulers/euler-ancestral.json", "sigma-generated/euler-a-*", "add-noise/an-euler-a-*");
  }
}
