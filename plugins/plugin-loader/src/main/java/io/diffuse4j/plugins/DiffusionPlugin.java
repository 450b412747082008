package io.diffuse4j.plugins;

import com.google.inject.Module;
import io.diffuse4j.api.scheduler.SchedulerProvider;
import java.util.List;

/**
 * Service-provider interface of a diffuse4j plugin jar. A jar names its implementations in
 * {@code META-INF/services/io.diffuse4j.plugins.DiffusionPlugin}; {@link PluginLoader} finds them
 * with {@link java.util.ServiceLoader} in the jar's own class loader and creates each with its
 * public no-argument constructor.
 *
 * <p>A plugin contributes two things:
 * <ul>
 *   <li>{@link #schedulers()}: scheduler providers. The loader checks their names against the
 *       built-in schedulers and the other plugins <em>before</em> Guice starts, skips a clashing
 *       one with a warning, and binds the rest through the schedulers module's one
 *       {@code ServiceLoader}-to-{@code MapBinder} bridge. Do not bind schedulers in
 *       {@link #module()} yourself: they would escape that check.</li>
 *   <li>{@link #module()}: any further Guice bindings (more extension points later). Like every
 *       diffuse4j module it only binds: it opens no files and starts nothing.</li>
 * </ul>
 * A jar that only adds schedulers does not need this interface at all: listing its
 * {@link SchedulerProvider}s in {@code META-INF/services/io.diffuse4j.api.scheduler.SchedulerProvider}
 * is enough (see {@code docs/plugins.md}).
 *
 * <pre>{@code
 * public final class MyPlugin implements DiffusionPlugin {
 *   public String name() { return "my-plugin"; }
 *   public List<SchedulerProvider> schedulers() { return List.of(new MySchedulerProvider()); }
 * }
 * }</pre>
 *
 * <p>Implementations must be thread-safe; the loader calls each method once per load, from the
 * loading thread.
 */
public interface DiffusionPlugin {

  /** A short name for listings and messages, e.g. {@code kdpm2-scheduler}. */
  String name();

  /** One line for listings; the name by default. */
  default String description() {
    return name();
  }

  /** The scheduler providers this plugin adds (none by default). */
  default List<SchedulerProvider> schedulers() {
    return List.of();
  }

  /** Further Guice bindings; an empty module by default. Must not open files or start work. */
  default Module module() {
    return binder -> { };
  }
}
