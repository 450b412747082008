package io.diffuse4j.plugins;

import io.diffuse4j.api.pipeline.DiffusionException;
import io.diffuse4j.api.scheduler.Scheduler;
import io.diffuse4j.api.scheduler.SchedulerConfig;
import io.diffuse4j.api.scheduler.SchedulerProvider;
import java.nio.file.Path;
import java.util.Map;

/**
 * A plugin's scheduler provider as the host binds it: its metadata read once at load time (so a
 * plugin cannot change its name later), and {@link #create} guarded: a {@code null} scheduler or
 * an {@code Error} thrown by the plugin becomes a {@link DiffusionException} naming the jar;
 * {@link IllegalArgumentException}s (a bad config value) pass through unchanged. Thread-safe
 * when the plugin's provider is.
 */
final class ContainedSchedulerProvider implements SchedulerProvider {

  private final SchedulerProvider delegate;
  private final Path jar;
  private final String name;
  private final String diffusersClassName;
  private final String description;
  private final Map<String, Object> overrides;

  ContainedSchedulerProvider(SchedulerProvider delegate, Path jar) {
    this.delegate = delegate;
    this.jar = jar;
    this.name = delegate.name();
    this.diffusersClassName = PluginLoader.cut(delegate.diffusersClassName());
    String d = delegate.description();
    this.description = PluginLoader.cut(d == null ? diffusersClassName : d);
    Map<String, Object> o = delegate.overrides();
    this.overrides = o == null ? Map.of() : Map.copyOf(o);
  }

  /** The plugin's own provider. */
  SchedulerProvider delegate() {
    return delegate;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String diffusersClassName() {
    return diffusersClassName;
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
    Scheduler s;
    try {
      s = delegate.create(config);
    } catch (IllegalArgumentException | DiffusionException e) {
      throw e;
    } catch (Throwable e) {
      PluginLoader.rethrowIfFatal(e);
      throw new DiffusionException("The plugin scheduler '" + name + "' (" + delegate.getClass().getName() + " in "
          + jar + ") failed to create a scheduler: " + PluginLoader.describe(e)
          + ". Use another scheduler, or fix or remove the plugin.", e);
    }
    if (s == null) {
      throw new DiffusionException("The plugin scheduler '" + name + "' (" + delegate.getClass().getName() + " in "
          + jar + ") returned no scheduler (null from create()). Use another scheduler, or fix or remove the plugin.");
    }
    return s;
  }

  @Override
  public String toString() {
    return name + " (" + delegate.getClass().getName() + " in " + jar.getFileName() + ")";
  }
}
