package io.diffuse4j.plugins;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * One plugin that {@link PluginLoader} accepted: what a {@code --plugins} listing shows.
 *
 * <p>A jar that lists only {@code SchedulerProvider} services (no {@link DiffusionPlugin}) appears
 * as one plugin named after the jar file. Immutable and thread-safe.
 *
 * <pre>{@code
 * for (LoadedPlugin p : plugins.plugins()) {
 *   System.out.println(p.name() + " (" + p.jar().getFileName() + "): " + p.schedulerNames());
 * }
 * }</pre>
 *
 * @param jar the jar it came from
 * @param name the plugin's {@link DiffusionPlugin#name()}, or the jar's file name
 * @param description one line for listings
 * @param schedulerNames the scheduler names it registered (those skipped as problems not included)
 */
public record LoadedPlugin(Path jar, String name, String description, List<String> schedulerNames) {

  /** Copies the list; checks that no component is null. */
  public LoadedPlugin {
    Objects.requireNonNull(jar, "jar");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(description, "description");
    schedulerNames = List.copyOf(schedulerNames);
  }
}
