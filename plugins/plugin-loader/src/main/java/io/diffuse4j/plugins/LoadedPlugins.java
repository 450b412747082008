package io.diffuse4j.plugins;

import com.google.inject.Module;
import com.google.inject.util.Modules;
import io.diffuse4j.api.scheduler.SchedulerProvider;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The result of {@link PluginLoader}: the accepted plugins, the Guice modules to install next to
 * the built-in ones, and the problems (warnings) met on the way. It owns the plugins' class
 * loaders: close it after the injector and everything made from the plugins (schedulers) are no
 * longer used.
 *
 * <pre>{@code
 * try (LoadedPlugins plugins = PluginLoader.load(Path.of("plugins"))) {
 *   plugins.problems().forEach(p -> System.err.println("warning: " + p));
 *   Injector injector = Guice.createInjector(new SchedulersModule(), plugins.module());
 *   ...
 * }
 * }</pre>
 *
 * <p>Immutable apart from {@link #close()}; thread-safe.
 */
public final class LoadedPlugins implements AutoCloseable {

  private final List<LoadedPlugin> plugins;
  private final List<SchedulerProvider> schedulerProviders;
  private final List<Module> modules;
  private final List<PluginProblem> problems;
  private final List<PluginClassLoader> classLoaders;
  private final ThreadGroup threads;
  private boolean closed;

  LoadedPlugins(
      List<LoadedPlugin> plugins,
      List<SchedulerProvider> schedulerProviders,
      List<Module> modules,
      List<PluginProblem> problems,
      List<PluginClassLoader> classLoaders,
      ThreadGroup threads) {
    this.plugins = List.copyOf(plugins);
    this.schedulerProviders = List.copyOf(schedulerProviders);
    this.modules = List.copyOf(modules);
    this.problems = List.copyOf(problems);
    this.classLoaders = List.copyOf(classLoaders);
    this.threads = threads;
  }

  /** No plugins, no problems: what an application without {@code --plugins} installs. */
  public static LoadedPlugins empty() {
    return new LoadedPlugins(List.of(), List.of(), List.of(), List.of(), List.of(), null);
  }

  /** The accepted plugins, in load order (jar file name, then service-file order). */
  public List<LoadedPlugin> plugins() {
    return plugins;
  }

  /**
   * The accepted scheduler providers of all plugins, in load order; names are unique. Each is the
   * plugin's provider as bound: metadata read once, {@code create()} guarded against {@code null}
   * and {@code Error}s (see {@link PluginLoader}).
   */
  public List<SchedulerProvider> schedulerProviders() {
    return schedulerProviders;
  }

  /**
   * The plugin's own provider object behind a provider this class bound (which guards its
   * {@code create()}); any other provider unchanged. For diagnostics and tests: its class is the
   * plugin's, loaded by the plugin jar's class loader.
   */
  public static SchedulerProvider pluginProvider(SchedulerProvider bound) {
    return bound instanceof ContainedSchedulerProvider c ? c.delegate() : bound;
  }

  /** The plugins' own provider objects (unwrapped), in the order of {@link #schedulerProviders()}. */
  List<SchedulerProvider> rawSchedulerProviders() {
    return schedulerProviders.stream()
        .map(p -> p instanceof ContainedSchedulerProvider c ? c.delegate() : p).toList();
  }

  /**
   * Live threads started by plugin code: those of the plugins' thread group (started while
   * loading) and those whose context class loader is a plugin's. Empty after {@link #close()}
   * once they have honoured the interrupt.
   */
  public List<Thread> pluginThreads() {
    List<Thread> out = new ArrayList<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      ClassLoader context = contextLoader(t);
      boolean ours = context instanceof PluginClassLoader && classLoaders.contains(context);
      if (t.isAlive() && t != Thread.currentThread() && (inGroup(t) || ours)) {
        out.add(t);
      }
    }
    return out;
  }

  private boolean inGroup(Thread t) {
    for (ThreadGroup g = t.getThreadGroup(); g != null && threads != null; g = g.getParent()) {
      if (g == threads) {
        return true;
      }
    }
    return false;
  }

  private static ClassLoader contextLoader(Thread t) {
    try {
      return t.getContextClassLoader();
    } catch (SecurityException e) {
      return null;
    }
  }

  /** The names of {@link #schedulerProviders()}. */
  public List<String> schedulerNames() {
    return schedulerProviders.stream().map(SchedulerProvider::name).collect(Collectors.toUnmodifiableList());
  }

  /**
   * The Guice modules to install next to the built-in ones: first one that binds
   * {@link #schedulerProviders()} through the schedulers' {@code MapBinder} bridge, then each
   * plugin's own {@link DiffusionPlugin#module()}. They only bind; they open nothing.
   */
  public List<Module> modules() {
    return modules;
  }

  /** {@link #modules()} combined into one module. */
  public Module module() {
    return Modules.combine(modules);
  }

  /** What was skipped and why, in load order; empty when every jar loaded cleanly. */
  public List<PluginProblem> problems() {
    return problems;
  }

  /** Whether {@link #problems()} is not empty. */
  public boolean hasProblems() {
    return !problems.isEmpty();
  }

  /**
   * This, when there were no problems; for embedders that prefer to refuse to start.
   *
   * @throws PluginLoadException listing every problem, one per line
   */
  public LoadedPlugins requireNoProblems() {
    if (problems.isEmpty()) {
      return this;
    }
    StringBuilder sb = new StringBuilder();
    sb.append(problems.size()).append(problems.size() == 1 ? " plugin problem:" : " plugin problems:");
    for (PluginProblem p : problems) {
      sb.append(System.lineSeparator()).append("  ").append(p.message());
    }
    throw new PluginLoadException(sb.toString());
  }

  /**
   * Interrupts the threads plugin code started ({@link #pluginThreads()}: Java cannot stop a
   * thread that ignores interrupts, but those started while loading are daemon threads and never
   * keep the JVM alive), then closes the plugins' class loaders (in reverse order of opening); a
   * second call does nothing. Nothing here holds the loaders afterwards (no static cache), so they
   * are collected once the pipeline and the schedulers made from them are.
   * Classes already loaded keep working, but plugin code that loads a new class afterwards fails.
   *
   * @throws PluginLoadException when a jar could not be closed (after trying all of them)
   */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    for (Thread t : pluginThreads()) {
      t.interrupt();
    }
    List<String> failures = new ArrayList<>();
    IOException first = null;
    for (int i = classLoaders.size() - 1; i >= 0; i--) {
      PluginClassLoader loader = classLoaders.get(i);
      try {
        loader.close();
      } catch (IOException e) {
        failures.add(loader.jar() + " (" + e.getMessage() + ")");
        first = first == null ? e : first;
      }
    }
    if (first != null) {
      throw new PluginLoadException("Could not close plugin jar(s): " + String.join(", ", failures), first);
    }
  }

  @Override
  public String toString() {
    return "LoadedPlugins" + plugins.stream().map(LoadedPlugin::name).toList()
        + " schedulers=" + schedulerNames() + " problems=" + problems.size();
  }
}
