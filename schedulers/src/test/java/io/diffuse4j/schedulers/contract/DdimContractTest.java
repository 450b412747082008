package io.diffuse4j.schedulers.contract;

import io.diffuse4j.api.scheduler.Scheduler;
import io.diffuse4j.api.scheduler.SchedulerConfig;
import io.diffuse4j.schedulers.DdimScheduler;
import java.util.List;
import java.util.function.Function;

class DdimContractTest extends AbstractSchedulerContractTest {

  @Override
  String className() {
    return DdimScheduler.CLASS_NAME;
  }

  @Override
  String providerName() {
    return "ddim";
  }

  @Override
  Function<SchedulerConfig, Scheduler> factory() {
    return DdimScheduler::new;
  }

  @Override
  List<String> cases() {
    return List.of("schedulers/ddim.json", "add-noise/add-noise-ddim-0.6.json");
  }
}
