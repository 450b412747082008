package io.diffuse4j.plugins;

import com.google.inject.Module;
import com.google.inject.spi.Element;
import com.google.inject.spi.Elements;
import com.google.inject.spi.Message;
import io.diffuse4j.api.scheduler.SchedulerProvider;
import io.diffuse4j.plugins.PluginProblem.Kind;
import io.diffuse4j.schedulers.SchedulersModule;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.MalformedURLException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.function.Consumer;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Loads plugin jars: every {@code *.jar} of a folder, each in its own class loader whose parent
 * is the application's (so {@code api}, {@code schedulers} and Guice are shared), and finds in
 * each the {@link DiffusionPlugin}s and the bare {@link SchedulerProvider}s it lists in
 * {@code META-INF/services}, with {@link ServiceLoader}. All file access happens here, outside
 * Guice: the modules in the result only bind.
 *
 * <pre>{@code
 * try (LoadedPlugins plugins = PluginLoader.load(Path.of("plugins"))) {
 *   plugins.problems().forEach(p -> System.err.println("warning: " + p));
 *   Injector injector = Guice.createInjector(new SchedulersModule(), plugins.module());
 * }
 * }</pre>
 *
 * <p>Policy (documented in {@code docs/plugins.md}): a missing or unreadable folder throws
 * {@link PluginLoadException}. Everything wrong with a single jar is a {@link PluginProblem}
 * warning and skips only what is wrong: an unreadable jar or a jar that lists no services is
 * skipped whole; a plugin or provider that cannot be created, or whose scheduler name is invalid
 * or already taken, is skipped alone. Built-in schedulers win a name clash; between plugins the jar
 * whose file name sorts first wins. Files not ending in {@code .jar} and sub-folders are ignored.
 *
 * <p><b>Trust model.</b> A plugin is code that runs with the host's full rights: the same process,
 * the same files, the same network, {@code System.exit} included (Java 17 offers no supported way
 * to refuse it). Load only jars you would put on your class path. What this loader does guarantee
 * is containment of <em>faults</em>: each jar loads on its own daemon thread with a time limit
 * ({@link #withTimeLimit}); anything a plugin's code throws ({@code Error}s included) or returns
 * wrongly ({@code null}s, oversized or invalid names) disqualifies only that plugin or provider;
 * threads it starts while loading are daemon threads of a group that {@link LoadedPlugins#close()}
 * interrupts; scheduler providers are wrapped so a {@code null} or an {@code Error} from
 * {@code create()} becomes an exception naming the jar. See {@code docs/plugins.md}.
 *
 * <p>Instances are immutable and thread-safe; each {@link #loadFrom} call opens new class loaders
 * that the returned {@link LoadedPlugins} owns.
 */
public final class PluginLoader {

  private static final String PLUGIN_SERVICE = "META-INF/services/" + DiffusionPlugin.class.getName();
  private static final String SCHEDULER_SERVICE = "META-INF/services/" + SchedulerProvider.class.getName();
  private static final Pattern PROVIDER_IN_MESSAGE = Pattern.compile("Provider (\\S+)");
  private static final int MAX_SERVICES_PER_JAR = 10_000;
  /** Longest scheduler or plugin name accepted (names are typed by users). */
  static final int MAX_NAME = 64;
  /** Longest description or diffusers class name kept; longer ones are cut. */
  static final int MAX_TEXT = 500;
  /** Default time one jar may take to load (its static initialisers, constructors and metadata). */
  public static final Duration DEFAULT_TIME_LIMIT = Duration.ofSeconds(10);

  private final ClassLoader parent;
  private final Map<String, String> reservedNames;
  private final Duration timeLimit;

  private PluginLoader(ClassLoader parent, Map<String, String> reservedNames, Duration timeLimit) {
    this.parent = Objects.requireNonNull(parent, "parent");
    this.reservedNames = reservedNames == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(reservedNames));
    this.timeLimit = Objects.requireNonNull(timeLimit, "timeLimit");
  }

  /**
   * Loads every plugin jar in {@code directory} with {@link #standard()}: the short form for
   * applications.
   *
   * @throws PluginLoadException when the folder does not exist, is not a folder or cannot be listed
   */
  public static LoadedPlugins load(Path directory) {
    return standard().loadFrom(directory);
  }

  /**
   * A loader whose plugins' parent class loader is the one that loaded diffuse4j, and whose
   * reserved scheduler names are the built-ins that class loader lists as
   * {@link SchedulerProvider} services.
   */
  public static PluginLoader standard() {
    return withParent(PluginLoader.class.getClassLoader());
  }

  /**
   * A loader whose plugin class loaders delegate to {@code parent}; the built-in scheduler names
   * are those {@code parent} lists as {@link SchedulerProvider} services.
   */
  public static PluginLoader withParent(ClassLoader parent) {
    return new PluginLoader(parent, null, DEFAULT_TIME_LIMIT);
  }

  /**
   * A copy that gives each jar at most {@code limit} to load (default {@link #DEFAULT_TIME_LIMIT}).
   * A jar that takes longer (a constructor or static initialiser that never returns) is reported as
   * {@link Kind#TIMED_OUT} and skipped; its loading thread is interrupted and left behind as a
   * daemon thread (Java cannot stop it), the other jars still load.
   */
  public PluginLoader withTimeLimit(Duration limit) {
    if (limit.isNegative() || limit.isZero()) {
      throw new IllegalArgumentException("plugin time limit must be positive, got " + limit);
    }
    return new PluginLoader(parent, reservedNames, limit);
  }

  /**
   * A copy that treats exactly {@code builtIns} (scheduler name to the class or source that owns
   * it, for messages) as the names plugins may not take, instead of looking them up with
   * {@link ServiceLoader}. For embedders that register their built-in schedulers another way.
   */
  public PluginLoader withBuiltInSchedulers(Map<String, String> builtIns) {
    return new PluginLoader(parent, Objects.requireNonNull(builtIns, "builtIns"), timeLimit);
  }

  /**
   * Loads every {@code *.jar} directly in {@code directory}, in file-name order.
   *
   * @throws PluginLoadException when the folder does not exist, is not a folder or cannot be listed
   */
  public LoadedPlugins loadFrom(Path directory) {
    Objects.requireNonNull(directory, "directory");
    if (!Files.exists(directory)) {
      throw new PluginLoadException("Plugin folder " + directory.toAbsolutePath()
          + " does not exist: create it and put plugin jars (*.jar) in it, or fix the plugin folder's path.");
    }
    if (!Files.isDirectory(directory)) {
      throw new PluginLoadException("Plugin folder " + directory.toAbsolutePath()
          + " is a file, not a folder: pass the folder that holds the plugin jars.");
    }
    List<Path> jars;
    try (Stream<Path> files = Files.list(directory)) {
      jars = files
          .filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".jar"))
          .filter(Files::isRegularFile)
          .sorted(Comparator.comparing(p -> p.getFileName().toString()))
          .toList();
    } catch (IOException | SecurityException e) {
      throw new PluginLoadException("Cannot list plugin folder " + directory.toAbsolutePath() + ": " + e
          + ". Check that it is readable.", e);
    }
    return loadJars(jars);
  }

  /**
   * Loads the given jars, in the given order (earlier jars win scheduler-name clashes). A path
   * that does not exist or is not a file is reported as an {@link Kind#UNREADABLE_JAR} problem.
   */
  public LoadedPlugins loadJars(List<Path> jars) {
    Load load = new Load(builtInSchedulers(), new ThreadGroup("diffuse4j-plugins"));
    try {
      for (Path jar : jars) {
        load.jarWithin(jar, timeLimit);
      }
    } catch (RuntimeException | Error e) {
      load.closeAll(e);
      throw e;
    }
    return load.result();
  }

  private Map<String, String> builtInSchedulers() {
    if (reservedNames != null) {
      return reservedNames;
    }
    Map<String, String> names = new LinkedHashMap<>();
    // Built-ins that fail here are reported by the schedulers module itself; only names matter.
    forEachService(SchedulerProvider.class, parent, p -> {
      try {
        names.putIfAbsent(p.name(), "built-in " + p.getClass().getName());
      } catch (RuntimeException e) {
        // ignored: see above
      }
    }, e -> { });
    return names;
  }

  /** Iterates a service loader, reporting each failing provider to {@code onError} and going on. */
  private static <S> void forEachService(
      Class<S> service, ClassLoader loader, Consumer<S> onProvider, Consumer<Throwable> onError) {
    Iterator<S> it = ServiceLoader.load(service, loader).iterator();
    for (int guard = 0; guard < MAX_SERVICES_PER_JAR; guard++) {
      S provider;
      try {
        if (!it.hasNext()) {
          return;
        }
        provider = it.next();
      } catch (ServiceConfigurationError | LinkageError e) {
        onError.accept(e);
        continue;
      }
      onProvider.accept(provider);
    }
  }

  /** The state of one {@link #loadJars} call. */
  private final class Load {
    private final Map<String, String> nameOwners;
    private final List<LoadedPlugin> plugins = new ArrayList<>();
    private final List<SchedulerProvider> schedulers = new ArrayList<>();
    private final List<Module> pluginModules = new ArrayList<>();
    private final List<PluginProblem> problems = new ArrayList<>();
    private final List<PluginClassLoader> loaders = new ArrayList<>();
    private final ThreadGroup threads;
    /** The loader of the jar being read (closed when the jar times out). */
    private volatile PluginClassLoader current;

    Load(Map<String, String> builtIns, ThreadGroup threads) {
      this.nameOwners = new LinkedHashMap<>(builtIns);
      this.threads = threads;
    }

    /**
     * Loads one jar on a daemon thread of the plugins' thread group (so threads its code starts
     * are daemons of that group, released on close), waiting at most {@code limit}. The jar's
     * results are merged only when it finished in time.
     */
    void jarWithin(Path jar, Duration limit) {
      Load one = new Load(nameOwners, threads);
      Throwable[] escaped = new Throwable[1];
      Thread t = new Thread(threads, () -> {
        try {
          one.jar(jar);
        } catch (Throwable e) { // contained: whatever the plugin's code throws is its problem only
          escaped[0] = e;
        }
      }, "diffuse4j-plugin-load " + jar.getFileName());
      t.setDaemon(true);
      t.start();
      boolean done;
      try {
        t.join(limit.toMillis());
        done = !t.isAlive();
      } catch (InterruptedException e) {
        t.interrupt();
        one.closeCurrent();
        Thread.currentThread().interrupt();
        throw new PluginLoadException("Interrupted while loading plugin jar " + jar, e);
      }
      if (!done) {
        t.interrupt();
        one.closeCurrent();
        problems.add(new PluginProblem(jar, Kind.TIMED_OUT, "", jar + " did not finish loading within " + limit.toMillis()
            + " ms (a static initialiser, constructor or name() that does not return). Skipped; the other plugins"
            + " load. Its thread '" + t.getName() + "' was interrupted and is left as a daemon thread."));
        return;
      }
      if (escaped[0] != null) {
        rethrowIfFatal(escaped[0]);
        one.closeAll(escaped[0]);
        one.closeCurrent();
        problems.add(new PluginProblem(jar, Kind.PROVIDER_FAILED, "", jar + ": loading failed: "
            + describe(escaped[0]) + ". Skipped; fix the plugin or remove it."));
        return;
      }
      nameOwners.putAll(one.nameOwners);
      plugins.addAll(one.plugins);
      schedulers.addAll(one.schedulers);
      pluginModules.addAll(one.pluginModules);
      problems.addAll(one.problems);
      loaders.addAll(one.loaders);
    }

    void closeCurrent() {
      PluginClassLoader l = current;
      if (l != null) {
        closeQuietly(l);
      }
    }

    void jar(Path jar) {
      ServiceFiles services = readServiceFiles(jar);
      if (services == null) {
        return;
      }
      if (!services.any()) {
        problems.add(new PluginProblem(jar, Kind.NOT_A_PLUGIN, "", jar
            + " is not a diffuse4j plugin: it lists no class in " + PLUGIN_SERVICE + " or " + SCHEDULER_SERVICE
            + ". Skipped; add the service file (see docs/plugins.md) or remove the jar from the plugin folder."));
        return;
      }
      PluginClassLoader loader;
      try {
        loader = new PluginClassLoader(jar, jar.toUri().toURL(), parent);
      } catch (MalformedURLException e) {
        problems.add(new PluginProblem(jar, Kind.UNREADABLE_JAR, "", jar + " cannot be opened: " + e + ". Skipped."));
        return;
      }
      current = loader;
      // threads the plugin starts inherit this loader as context loader: found and interrupted on close
      Thread.currentThread().setContextClassLoader(loader);
      int before = schedulers.size() + pluginModules.size() + plugins.size();
      List<String> pluginProviderClasses = new ArrayList<>();
      if (services.plugins()) {
        forEachService(DiffusionPlugin.class, loader, plugin -> plugin(jar, plugin, pluginProviderClasses),
            e -> problems.add(serviceFailure(jar, "plugin", PLUGIN_SERVICE, e)));
      }
      if (services.schedulers()) {
        List<String> names = new ArrayList<>();
        forEachService(SchedulerProvider.class, loader, p -> {
          if (!pluginProviderClasses.contains(p.getClass().getName())) {
            scheduler(jar, jar.getFileName().toString(), p, names);
          }
        }, e -> problems.add(serviceFailure(jar, "scheduler provider", SCHEDULER_SERVICE, e)));
        if (!names.isEmpty()) {
          String fileName = jar.getFileName().toString();
          plugins.add(new LoadedPlugin(jar, fileName, cut("schedulers " + String.join(", ", names)), names));
        }
      }
      if (schedulers.size() + pluginModules.size() + plugins.size() == before) {
        closeQuietly(loader); // nothing of this jar is used
      } else {
        loaders.add(loader);
      }
    }

    private void plugin(Path jar, DiffusionPlugin plugin, List<String> providerClasses) {
      String className = plugin.getClass().getName();
      String name;
      String description;
      List<SchedulerProvider> provided;
      Module module;
      try {
        name = Objects.requireNonNull(plugin.name(), "name() returned null");
        description = cut(Objects.requireNonNullElse(plugin.description(), name));
        provided = List.copyOf(Objects.requireNonNull(plugin.schedulers(), "schedulers() returned null").stream()
            .limit(MAX_SERVICES_PER_JAR).map(p -> p == null ? NULL_PROVIDER : p).toList());
        module = Objects.requireNonNull(plugin.module(), "module() returned null");
      } catch (Throwable e) { // Errors too: a plugin's failure is contained to that plugin
        rethrowIfFatal(e);
        problems.add(new PluginProblem(jar, Kind.PROVIDER_FAILED, className, jar + ": plugin " + className
            + " failed: " + describe(e) + ". Skipped; the jar's other plugins are kept. Fix the plugin or remove it."));
        return;
      }
      if (name.length() > MAX_NAME || name.isBlank()) {
        problems.add(new PluginProblem(jar, Kind.INVALID_NAME, className, jar + ": plugin " + className
            + " has the invalid name " + preview(name) + "; plugin names are 1 to " + MAX_NAME + " characters. Skipped."));
        return;
      }
      String moduleError = checkModule(module);
      if (moduleError != null) {
        problems.add(new PluginProblem(jar, Kind.PROVIDER_FAILED, name, jar + ": the Guice module of plugin '" + name
            + "' (" + className + ") fails to configure: " + moduleError
            + ". Plugin skipped; fix its module() (it must only bind, never open files)."));
        return;
      }
      List<String> names = new ArrayList<>();
      for (SchedulerProvider p : provided) {
        if (p == NULL_PROVIDER) {
          problems.add(new PluginProblem(jar, Kind.PROVIDER_FAILED, name, jar + ": plugin '" + name
              + "' returned a null scheduler provider from schedulers(); ignored."));
          continue;
        }
        providerClasses.add(p.getClass().getName());
        scheduler(jar, "plugin '" + name + "'", p, names);
      }
      pluginModules.add(module);
      plugins.add(new LoadedPlugin(jar, name, description, names));
    }

    private void scheduler(Path jar, String owner, SchedulerProvider provider, List<String> accepted) {
      String className = provider.getClass().getName();
      String name;
      try {
        name = provider.name();
        Objects.requireNonNull(provider.diffusersClassName(), "diffusersClassName() returned null");
        provider.description();
        Map<String, Object> overrides = provider.overrides();
        if (overrides != null && overrides.size() > MAX_SERVICES_PER_JAR) {
          throw new IllegalStateException("overrides() returned " + overrides.size() + " entries");
        }
      } catch (Throwable e) { // Errors too: contained to this provider
        rethrowIfFatal(e);
        problems.add(new PluginProblem(jar, Kind.PROVIDER_FAILED, className, jar + ": scheduler provider "
            + className + " of " + owner + " failed: " + describe(e) + ". Skipped; fix it or remove it."));
        return;
      }
      if (name == null || name.isBlank() || name.length() > MAX_NAME || !name.equals(name.toLowerCase(Locale.ROOT))
          || name.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
        problems.add(new PluginProblem(jar, Kind.INVALID_NAME, className, jar + ": scheduler provider " + className
            + " has the invalid name " + preview(name)
            + "; names are lower case without spaces, at most " + MAX_NAME + " characters, e.g. 'kdpm2'. Skipped."));
        return;
      }
      String owner0 = nameOwners.get(name);
      if (owner0 != null) {
        boolean builtIn = owner0.startsWith("built-in ");
        problems.add(new PluginProblem(jar, Kind.DUPLICATE_NAME, name, jar + ": scheduler name '" + name + "' ("
            + className + ") is already taken by " + owner0 + (builtIn
                ? "; built-in schedulers take precedence. Skipped; rename the plugin's scheduler."
                : "; the jar whose file name sorts first wins. Skipped; rename one of them or remove a jar.")));
        return;
      }
      nameOwners.put(name, className + " in " + jar);
      schedulers.add(new ContainedSchedulerProvider(provider, jar));
      accepted.add(name);
    }

    /** The jar's service files, or null (and a problem) when it cannot be read as a jar. */
    private ServiceFiles readServiceFiles(Path jar) {
      if (!Files.isRegularFile(jar)) {
        problems.add(new PluginProblem(jar, Kind.UNREADABLE_JAR, "", jar + " is not a readable file. Skipped."));
        return null;
      }
      try (JarFile file = new JarFile(jar.toFile())) {
        boolean plugins = hasClasses(file, PLUGIN_SERVICE);
        boolean schedulers = hasClasses(file, SCHEDULER_SERVICE);
        return new ServiceFiles(plugins, schedulers);
      } catch (IOException | SecurityException | IllegalStateException e) {
        problems.add(new PluginProblem(jar, Kind.UNREADABLE_JAR, "", jar + " is not a readable jar ("
            + describe(e) + "). Skipped; rebuild it or remove it from the plugin folder."));
        return null;
      }
    }

    LoadedPlugins result() {
      List<Module> modules = new ArrayList<>();
      if (!schedulers.isEmpty()) {
        modules.add(SchedulersModule.forProviders(schedulers));
      }
      modules.addAll(pluginModules);
      return new LoadedPlugins(plugins, schedulers, modules, problems, loaders, threads);
    }

    void closeAll(Throwable failure) {
      for (PluginClassLoader loader : loaders) {
        try {
          loader.close();
        } catch (IOException e) {
          failure.addSuppressed(e);
        }
      }
    }
  }

  private record ServiceFiles(boolean plugins, boolean schedulers) {
    boolean any() {
      return plugins || schedulers;
    }
  }

  /** Whether the service file exists and names at least one class (comments and blanks aside). */
  private static boolean hasClasses(JarFile file, String serviceFile) throws IOException {
    JarEntry entry = file.getJarEntry(serviceFile);
    if (entry == null) {
      return false;
    }
    try (InputStream in = file.getInputStream(entry);
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        int hash = line.indexOf('#');
        if (!(hash >= 0 ? line.substring(0, hash) : line).isBlank()) {
          return true;
        }
      }
    }
    return false;
  }

  /** Null when the module's {@code configure} records no error, else the errors. */
  private static String checkModule(Module module) {
    try {
      List<String> errors = new ArrayList<>();
      for (Element e : Elements.getElements(module)) {
        if (e instanceof Message m) {
          errors.add(m.getMessage());
        }
      }
      return errors.isEmpty() ? null : String.join("; ", errors);
    } catch (Throwable e) {
      rethrowIfFatal(e);
      return describe(e);
    }
  }

  /** Stands for a null element of {@link DiffusionPlugin#schedulers()}. */
  private static final SchedulerProvider NULL_PROVIDER = new SchedulerProvider() {
    @Override
    public String name() {
      return "null";
    }

    @Override
    public String diffusersClassName() {
      return "null";
    }

    @Override
    public io.diffuse4j.api.scheduler.Scheduler create(io.diffuse4j.api.scheduler.SchedulerConfig config) {
      throw new IllegalStateException("null provider");
    }
  };

  /**
   * Rethrows what must never be swallowed: {@link ThreadDeath}. Everything else thrown by plugin
   * code (including {@link StackOverflowError} or an {@link OutOfMemoryError} of the plugin's own
   * allocation) only disqualifies that plugin.
   */
  @SuppressWarnings("removal")
  static void rethrowIfFatal(Throwable e) {
    if (e instanceof ThreadDeath d) {
      throw d;
    }
  }

  /** At most {@link #MAX_TEXT} characters. */
  static String cut(String s) {
    return s.length() <= MAX_TEXT ? s : s.substring(0, MAX_TEXT) + "... (" + s.length() + " characters)";
  }

  /** A name for messages: quoted, cut to 40 characters, control characters shown as '?'. */
  static String preview(String name) {
    if (name == null) {
      return "null";
    }
    String shown = name.length() > 40 ? name.substring(0, 40) + "... (" + name.length() + " characters)" : name;
    return "'" + shown.replaceAll("\\p{Cntrl}", "?") + "'";
  }

  private static PluginProblem serviceFailure(Path jar, String what, String serviceFile, Throwable e) {
    Matcher m = PROVIDER_IN_MESSAGE.matcher(String.valueOf(e.getMessage()));
    String subject = m.find() ? m.group(1) : "";
    return new PluginProblem(jar, Kind.PROVIDER_FAILED, subject, jar + ": a " + what + " listed in " + serviceFile
        + " could not be created: " + describe(e) + ". Skipped; the jar's other providers are kept. "
        + "Fix the class (public no-argument constructor that does not throw) or remove it from the service file.");
  }

  /** The exception and its causes, one {@code Class: message} each, without stack traces. */
  static String describe(Throwable e) {
    StringBuilder sb = new StringBuilder();
    Throwable t = e;
    for (int depth = 0; t != null && depth < 5; depth++, t = t.getCause()) {
      if (depth > 0) {
        sb.append(", caused by ");
      }
      String msg = t.getMessage();
      if (t instanceof ServiceConfigurationError && msg != null) {
        int colon = msg.indexOf(": ");
        sb.append(colon >= 0 ? msg.substring(colon + 2) : msg); // drop the "service: " prefix
      } else {
        sb.append(t.getClass().getName()).append(msg == null ? "" : ": " + msg);
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return sb.toString();
  }

  private static void closeQuietly(PluginClassLoader loader) {
    try {
      loader.close();
    } catch (IOException e) {
      // nothing of the jar is kept; a failed close leaks only a file handle until exit
    }
  }
}
