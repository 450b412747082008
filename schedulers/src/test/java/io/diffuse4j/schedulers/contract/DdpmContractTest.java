package io.diffuse4j.schedulers.contract;

import io.diffuse4j.api.scheduler.Scheduler;
import io.diffuse4j.api.scheduler.SchedulerConfig;
import io.diffuse4j.schedulers.DdpmScheduler;
import java.util.List;
import java.util.function.Function;

class DdpmContractTest extends AbstractSchedulerContractTest {

  @Override
  String className() {
    return DdpmScheduler.CLASS_NAME;
  }

  @Override
  String providerName() {
    return "ddpm";
  }

  @Override
  Function<SchedulerConfig, Scheduler> factory() {
    return DdpmScheduler::new;
  }

  @Override
  List<String> cases() {
    return List.of("schedulers/ddpm.json", "add-noise/add-noise-ddpm-0.6.json");
  }
}
