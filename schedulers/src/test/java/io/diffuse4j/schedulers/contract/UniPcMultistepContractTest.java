package io.diffuse4j.schedulers.contract;

import io.diffuse4j.api.scheduler.Scheduler;
import io.diffuse4j.api.scheduler.SchedulerConfig;
import io.diffuse4j.schedulers.UniPcMultistepScheduler;
import java.util.List;
import java.util.function.Function;

class UniPcMultistepContractTest extends AbstractSchedulerContractTest {

  @Override
  String className() {
    return UniPcMultistepScheduler.CLASS_NAME;
  }

  @Override
  String providerName() {
    return "unipc";
  }

  @Override
  Function<SchedulerConfig, Scheduler> factory() {
    return UniPcMultistepScheduler::new;
  }

  @Override
  List<String> cases() {
    return List.of("schedulers/unipc.json", "add-noise/add-noise-unipc-*");
  }
}
