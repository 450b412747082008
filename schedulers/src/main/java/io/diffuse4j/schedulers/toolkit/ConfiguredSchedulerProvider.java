package io.diffuse4j.schedulers.toolkit;

import io.diffuse4j.api.scheduler.Scheduler;
import io.diffuse4j.api.scheduler.SchedulerConfig;
import io.diffuse4j.api.scheduler.SchedulerProvider;
import java.util.Map;
import java.util.function.Function;

/**
 * A {@link SchedulerProvider} made of its parts: the short name, the diffusers class it builds,
 * a description, config overrides applied on top of the model's config (e.g.
 * {@code use_karras_sigmas=true} for a {@code -karras} variant) and the scheduler's constructor.
 * {@link #create} renames the config to the class (so a model's config of any class can be
 * used, as diffusers' {@code from_config}), applies the overrides, and constructs.
 *
 * <pre>{@code
 * public final class MySchedulerProvider extends ConfiguredSchedulerProvider {
 *   public MySchedulerProvider() {
 *     super("my", "MyScheduler", "My scheduler [plugin]", Map.of(), MyScheduler::new);
 *   }
 * }
 * }</pre>
 *
 * <p>Immutable and thread-safe when the constructor function is.
 */
public abstract class ConfiguredSchedulerProvider implements SchedulerProvider {

  private final String name;
  private final String className;
  private final String description;
  private final Map<String, Object> overrides;
  private final Function<SchedulerConfig, Scheduler> factory;

  /**
   * A provider.
   *
   * @param name the short name users pass (e.g. {@code kdpm2})
   * @param className the diffusers class name ({@code _class_name})
   * @param description one line for listings
   * @param overrides config values set on top of the model's config
   * @param factory the scheduler's constructor from a config of {@code className}
   */
  protected ConfiguredSchedulerProvider(String name, String className, String description,
      Map<String, Object> overrides, Function<SchedulerConfig, Scheduler> factory) {
    this.name = name;
    this.className = className;
    this.description = description;
    this.overrides = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(overrides));
    this.factory = factory;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String diffusersClassName() {
    return className;
  }

  @Override
  public String description() {
    return description;
  }

  @Override
  public Map<String, Object> overrides() {
    return overrides;
  }

  @Override
  public Scheduler create(SchedulerConfig config) {
    SchedulerConfig c = config.withClassName(className);
    for (Map.Entry<String, Object> e : overrides.entrySet()) {
      c = c.with(e.getKey(), e.getValue());
    }
    return factory.apply(c);
  }
}
