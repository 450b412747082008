package io.diffuse4j.schedulers.contract;

import io.diffuse4j.api.scheduler.Scheduler;
import io.diffuse4j.api.scheduler.SchedulerConfig;
import io.diffuse4j.schedulers.PndmScheduler;
import java.util.List;
import java.util.function.Function;

class PndmContractTest extends AbstractSchedulerContractTest {

  @Override
  String className() {
    return PndmScheduler.CLASS_NAME;
  }

  @Override
  String providerName() {
    return "pndm";
  }

  @Override
  Function<SchedulerConfig, Scheduler> factory() {
    return PndmScheduler::new;
  }

  @Override
  List<String> cases() {
    return List.of("schedulers/pndm.json", "sigma-generated/pndm-*", "add-noise/an-pndm-*");
  }
}
