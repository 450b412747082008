package io.diffuse4j.schedulers.contract;

import io.diffuse4j.api.scheduler.Scheduler;
import io.diffuse4j.api.scheduler.SchedulerConfig;
import io.diffuse4j.schedulers.LcmScheduler;
import java.util.List;
import java.util.function.Function;

class LcmContractTest extends AbstractSchedulerContractTest {

  @Override
  String className() {
    return LcmScheduler.CLASS_NAME;
  }

  @Override
  String providerName() {
    return "lcm";
  }

  @Override
  Function<SchedulerConfig, Scheduler> factory() {
    return LcmScheduler::new;
  }

  @Override
  List<String> cases() {
    return List.of("schedulers/lcm.json", "add-noise/add-noise-lcm-*");
  }

  @Override
  boolean readsTimestepSpacing() {
    return false;
  }
}
