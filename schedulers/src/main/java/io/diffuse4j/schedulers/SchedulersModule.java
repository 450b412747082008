package io.diffuse4j.schedulers;

import com.google.inject.AbstractModule;
import com.google.inject.Module;
import com.google.inject.Provides;
import com.google.inject.multibindings.MapBinder;
import io.diffuse4j.api.scheduler.SchedulerProvider;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * The one bridge from {@link SchedulerProvider} services to Guice: binds every built-in provider
 * (found with {@link ServiceLoader} in this module's jar) into a {@code MapBinder<String,
 * SchedulerProvider>} keyed by name, and provides the {@link Schedulers} catalogue made from the
 * map. Plugins add theirs with {@link #providersOf(ClassLoader)} or {@link #forProviders(Collection)};
 * a name bound twice fails at injector creation. Opens no files.
 */
public final class SchedulersModule extends AbstractModule {

  @Override
  protected void configure() {
    install(forProviders(found(SchedulersModule.class.getClassLoader())));
  }

  /** A module binding the providers whose classes {@code loader} itself defines (a plugin jar's). */
  public static Module providersOf(ClassLoader loader) {
    return forProviders(found(loader));
  }

  /** A module binding these providers by name into the schedulers' MapBinder. */
  public static Module forProviders(Collection<SchedulerProvider> providers) {
    List<SchedulerProvider> copy = List.copyOf(providers);
    return new AbstractModule() {
      @Override
      protected void configure() {
        MapBinder<String, SchedulerProvider> map =
            MapBinder.newMapBinder(binder(), String.class, SchedulerProvider.class);
        for (SchedulerProvider p : copy) {
          map.addBinding(p.name()).toInstance(p);
        }
      }
    };
  }

  private static List<SchedulerProvider> found(ClassLoader loader) {
    List<SchedulerProvider> out = new ArrayList<>();
    for (SchedulerProvider p : ServiceLoader.load(SchedulerProvider.class, loader)) {
      if (p.getClass().getClassLoader() == loader) {
        out.add(p);
      }
    }
    return out;
  }

  @Provides
  Schedulers schedulers(Map<String, SchedulerProvider> providers) {
    return new Schedulers(providers);
  }
}
