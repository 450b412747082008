package io.diffuse4j.plugins;

import com.google.inject.AbstractModule;
import com.google.inject.Module;
import com.google.inject.multibindings.MapBinder;
import io.diffuse4j.api.scheduler.SchedulerProvider;
import java.util.List;

/** TEMPORARY until the schedulers module's bridge lands. */
final class PluginSchedulers {
  private PluginSchedulers() {}

  static Module module(List<SchedulerProvider> providers) {
    List<SchedulerProvider> copy = List.copyOf(providers);
    return new AbstractModule() {
      @Override
      protected void configure() {
        MapBinder<String, SchedulerProvider> map = MapBinder.newMapBinder(binder(), String.class, SchedulerProvider.class);
        for (SchedulerProvider p : copy) {
          map.addBinding(p.name()).toInstance(p);
        }
      }
    };
  }
}
