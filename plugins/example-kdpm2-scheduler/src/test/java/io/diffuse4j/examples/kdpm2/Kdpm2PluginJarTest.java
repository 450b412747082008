package io.diffuse4j.examples.kdpm2;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;
import io.diffuse4j.api.scheduler.SchedulerProvider;
import io.diffuse4j.plugins.LoadedPlugin;
import io.diffuse4j.plugins.LoadedPlugins;
import io.diffuse4j.plugins.PluginLoader;
import io.diffuse4j.plugins.PluginProblem;
import io.diffuse4j.schedulers.Schedulers;
import io.diffuse4j.schedulers.SchedulersModule;
import io.diffuse4j.conformance.SchedulerConformance;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loads this module as production does: its compiled classes packed into a jar in a temporary
 * plugin folder, loaded by {@link PluginLoader} in a class loader whose parent cannot see this
 * module's classes (so every plugin class really comes from the jar), then a conformance case is
 * replayed by the core's runner through the catalogue Guice builds from built-ins and plugins.
 */
class Kdpm2PluginJarTest {

  @TempDir Path dir;
  private Path classes;
  private ClassLoader host;

  @BeforeEach
  void locateClasses() throws URISyntaxException {
    classes = Path.of(Kdpm2SchedulerProvider.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    host = new HidingClassLoader(getClass().getClassLoader(), "io.diffuse4j.examples.kdpm2.", classes);
  }

  @Test
  void pluginJarRegistersKdpm2NextToTheBuiltInsAndMatchesDiffusers() throws IOException {
    Path jar = pluginJar("diffuse4j-example-kdpm2-scheduler.jar");
    try (LoadedPlugins loaded = PluginLoader.withParent(host).loadFrom(dir)) {
      assertThat(loaded.problems()).isEmpty();
      assertThat(loaded.plugins()).singleElement().satisfies(p -> {
        assertThat(p.jar()).isEqualTo(jar);
        assertThat(p.schedulerNames()).containsExactly("kdpm2", "kdpm2-karras");
      });
      Schedulers schedulers = catalogue(loaded);
      assertThat(schedulers.names()).contains("ddim", "ddpm", "kdpm2", "kdpm2-karras");
      SchedulerProvider kdpm2 = schedulers.provider("KDPM2DiscreteScheduler").orElseThrow();
      assertThat(kdpm2.name()).isEqualTo("kdpm2");
      SchedulerProvider own = LoadedPlugins.pluginProvider(kdpm2);
      assertThat(own.getClass()).isNotSameAs(Kdpm2SchedulerProvider.class);
      assertThat(own.getClass().getClassLoader().getName()).isEqualTo("plugin:" + jar.getFileName());

      assertThat(replay(schedulers)).contains("PASS kdpm2 ", "PASS kdpm2-karras-vpred-leading ");
    }
  }

  @Test
  void aSecondCopyOfThePluginIsReportedAndTheFirstKeepsWorking() throws IOException {
    Path first = pluginJar("a-kdpm2.jar");
    Path second = pluginJar("b-kdpm2-copy.jar");
    try (LoadedPlugins loaded = PluginLoader.withParent(host).loadFrom(dir)) {
      assertThat(loaded.plugins()).extracting(LoadedPlugin::jar).containsExactly(first);
      assertThat(loaded.schedulerNames()).containsExactly("kdpm2", "kdpm2-karras");
      assertThat(loaded.problems()).hasSize(2).allSatisfy(p -> {
        assertThat(p.kind()).isEqualTo(PluginProblem.Kind.DUPLICATE_NAME);
        assertThat(p.jar()).isEqualTo(second);
        assertThat(p.message()).contains(second.toString()).contains(first.toString());
      });
      Schedulers schedulers = catalogue(loaded);
      assertThat(LoadedPlugins.pluginProvider(schedulers.provider("kdpm2").orElseThrow()).getClass().getClassLoader()
          .getName())
          .isEqualTo("plugin:a-kdpm2.jar");
      assertThat(replay(schedulers)).contains("PASS kdpm2-cosine-leading ");
    }
  }

  /**
   * Closing releases the plugin's class loader: after {@link LoadedPlugins#close()} and dropping the
   * injector, the catalogue and a scheduler made from the plugin, a weak reference to the jar's class
   * loader clears (nothing static, in diffuse4j or Guice, still holds it).
   */
  @Test
  void closedPluginsClassLoaderIsCollected() throws Exception {
    pluginJar("diffuse4j-example-kdpm2-scheduler.jar");
    java.lang.ref.WeakReference<ClassLoader> loader = loadUseAndClose();
    for (int i = 0; i < 50 && loader.get() != null; i++) {
      System.gc();
      Thread.sleep(20);
    }
    assertThat(loader.get()).as("the plugin's class loader after close").isNull();
  }

  private java.lang.ref.WeakReference<ClassLoader> loadUseAndClose() {
    try (LoadedPlugins loaded = PluginLoader.withParent(host).loadFrom(dir)) {
      Schedulers schedulers = catalogue(loaded);
      var config = io.diffuse4j.api.scheduler.SchedulerConfig.of("KDPM2DiscreteScheduler", Map.of());
      var scheduler = schedulers.create("kdpm2", config);
      scheduler.setTimesteps(4);
      ClassLoader cl = scheduler.getClass().getClassLoader();
      assertThat(cl.getName()).startsWith("plugin:");
      return new java.lang.ref.WeakReference<>(cl);
    }
  }

  /**
   * The catalogue Guice builds from the built-ins and the plugins. The built-ins are the host's
   * providers bound through the schedulers' bridge; here the host is {@link #host}, because this
   * test's own class path also lists the kdpm2 providers (which a real host does not).
   */
  private Schedulers catalogue(LoadedPlugins loaded) {
    List<SchedulerProvider> builtIns = new ArrayList<>();
    ServiceLoader.load(SchedulerProvider.class, host).forEach(builtIns::add);
    assertThat(builtIns).extracting(SchedulerProvider::name).contains("ddim").doesNotContain("kdpm2");
    Injector injector = Guice.createInjector(SchedulersModule.forProviders(builtIns), loaded.module());
    return new Schedulers(injector.getInstance(Key.get(new TypeLiteral<Map<String, SchedulerProvider>>() { })));
  }

  /** The core's conformance runner over the cases; fails the test unless all pass. */
  private static String replay(Schedulers schedulers) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    boolean ok = SchedulerConformance.run(Kdpm2ConformanceTest.resource("/kdpm2-conformance/schedulers"), schedulers,
        new PrintStream(out, true, StandardCharsets.UTF_8));
    String report = out.toString(StandardCharsets.UTF_8);
    System.out.print("(plugin jar) " + report);
    assertThat(ok).as(report).isTrue();
    return report;
  }

  /** This module's compiled classes and service file as a plugin jar in {@link #dir}. */
  private Path pluginJar(String name) throws IOException {
    Path jar = dir.resolve(name);
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
        Stream<Path> files = Files.walk(classes)) {
      for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
        out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
        out.write(Files.readAllBytes(f));
        out.closeEntry();
      }
    }
    return jar;
  }

  /** The test class path without this module's main classes: what a host without the plugin sees. */
  private static final class HidingClassLoader extends ClassLoader {
    private final String hiddenPackage;
    private final Path hiddenFolder;

    HidingClassLoader(ClassLoader parent, String hiddenPackage, Path hiddenFolder) {
      super("host-without-plugin", parent);
      this.hiddenPackage = hiddenPackage;
      this.hiddenFolder = hiddenFolder;
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
      if (name.startsWith(hiddenPackage)) {
        throw new ClassNotFoundException(name + " (hidden: must come from the plugin jar)");
      }
      return super.loadClass(name, resolve);
    }

    private boolean hidden(URL url) {
      try {
        return url.getProtocol().equals("file") && Path.of(url.toURI()).startsWith(hiddenFolder);
      } catch (URISyntaxException | IllegalArgumentException e) {
        return false;
      }
    }

    @Override
    public URL getResource(String name) {
      URL url = super.getResource(name);
      return url != null && hidden(url) ? null : url;
    }

    @Override
    public Enumeration<URL> getResources(String name) throws IOException {
      List<URL> urls = Collections.list(super.getResources(name));
      urls.removeIf(this::hidden);
      return Collections.enumeration(urls);
    }
  }
}
