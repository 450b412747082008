package io.diffuse4j.schedulers;

import io.diffuse4j.api.scheduler.Scheduler;
import io.diffuse4j.api.scheduler.SchedulerConfig;
import io.diffuse4j.api.scheduler.SchedulerProvider;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * The catalogue of schedulers by short name ({@code ddim}, {@code euler-a}, ...) and by diffusers
 * class name ({@code DDIMScheduler}), built from the providers bound in Guice (built-ins and
 * plugins) or found by {@link ServiceLoader}.
 *
 * <pre>{@code
 * Schedulers s = Schedulers.builtIn();
 * Scheduler ddim = s.create("ddim", SchedulerConfigJson.parse(Path.of("scheduler/scheduler_config.json")));
 * }</pre>
 *
 * <p>Immutable and thread-safe; the schedulers it creates are not (one per run).
 */
public final class Schedulers {

  private final Map<String, SchedulerProvider> byName;

  /** A catalogue of these providers, keyed by name. */
  public Schedulers(Map<String, SchedulerProvider> providers) {
    this.byName = Collections.unmodifiableMap(new TreeMap<>(providers));
  }

  /** The built-in schedulers (ServiceLoader on this module's class loader). */
  public static Schedulers builtIn() {
    Map<String, SchedulerProvider> m = new LinkedHashMap<>();
    for (SchedulerProvider p : ServiceLoader.load(SchedulerProvider.class, Schedulers.class.getClassLoader())) {
      if (m.putIfAbsent(p.name(), p) != null) {
        throw new IllegalStateException("Two built-in schedulers are named '" + p.name() + "'");
      }
    }
    return new Schedulers(m);
  }

  /** The short names, sorted. */
  public List<String> names() {
    return new ArrayList<>(byName.keySet());
  }

  /** The providers by short name. */
  public Map<String, SchedulerProvider> providers() {
    return byName;
  }

  /** The provider of a short name, or of a diffusers class name (the one without overrides). */
  public Optional<SchedulerProvider> provider(String nameOrClass) {
    SchedulerProvider p = byName.get(nameOrClass);
    if (p != null) {
      return Optional.of(p);
    }
    for (SchedulerProvider q : byName.values()) {
      if (q.diffusersClassName().equals(nameOrClass) && q.overrides().isEmpty()) {
        return Optional.of(q);
      }
    }
    return byName.values().stream().filter(q -> q.diffusersClassName().equals(nameOrClass)).findFirst();
  }

  /**
   * A new scheduler: by short name or diffusers class name, or the model config's own class when
   * {@code nameOrClass} is null; built from the model's config (its training betas carry over).
   *
   * @throws IllegalArgumentException for an unknown name, listing the known ones
   */
  public Scheduler create(String nameOrClass, SchedulerConfig modelConfig) {
    String key = nameOrClass != null ? nameOrClass : modelConfig.className();
    SchedulerProvider p = provider(key).orElseThrow(() -> new IllegalArgumentException("Unknown scheduler '" + key
        + "'" + (nameOrClass == null ? " (the model's scheduler_config.json _class_name)" : "") + "; known: "
        + String.join(", ", names()) + (nameOrClass == null ? ". Set the request's scheduler to one of them." : "")));
    return p.create(modelConfig);
  }

  /** The short name of the provider a config's class selects, or the class name when none. */
  public String nameFor(SchedulerConfig config) {
    return provider(config.className()).map(SchedulerProvider::name).orElse(config.className());
  }
}
