package io.diffuse4j.plugins;

import com.google.inject.Module;
import io.diffuse4j.api.scheduler.SchedulerProvider;
import io.diffuse4j.schedulers.SchedulersModule;
import java.util.List;

/** Binds accepted plugin schedulers through the schedulers module's one MapBinder bridge. */
final class PluginSchedulers {
  private PluginSchedulers() {}

  static Module module(List<SchedulerProvider> providers) {
    return SchedulersModule.forProviders(providers);
  }
}
