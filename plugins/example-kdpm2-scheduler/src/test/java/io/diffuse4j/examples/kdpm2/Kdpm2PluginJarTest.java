package io.diffuse4j.examples.kdpm2;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.Guice;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;
import io.diffuse4j.api.scheduler.SchedulerProvider;
import io.diffuse4j.plugins.LoadedPlugin;
import io.diffuse4j.plugins.LoadedPlugins;
import io.diffuse4j.plugins.PluginLoader;
import io.diffuse4j.plugins.PluginProblem;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
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
 * replayed through the scheduler found in Guice's map.
 */
class Kdpm2PluginJarTest {

  private static final Key<Map<String, SchedulerProvider>> SCHEDULERS =
      Key.get(new TypeLiteral<Map<String, SchedulerProvider>>() { });

  @TempDir Path dir;
  private Path classes;
  private ClassLoader host;

  @BeforeEach
  void locateClasses() throws URISyntaxException {
    classes = Path.of(Kdpm2SchedulerProvider.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    host = new HidingClassLoader(getClass().getClassLoader(), "io.diffuse4j.examples.kdpm2.", classes);
  }

  @Test
  void pluginJarRegistersKdpm2AndMatchesDiffusers() throws IOException {
    Path jar = pluginJar("diffuse4j-example-kdpm2-scheduler.jar");
    try (LoadedPlugins loaded = PluginLoader.withParent(host).loadFrom(dir)) {
      assertThat(loaded.problems()).isEmpty();
      assertThat(loaded.plugins()).singleElement().satisfies(p -> {
        assertThat(p.jar()).isEqualTo(jar);
        assertThat(p.schedulerNames()).containsExactly("kdpm2", "kdpm2-karras");
      });
      Map<String, SchedulerProvider> map = Guice.createInjector(loaded.module()).getInstance(SCHEDULERS);
      SchedulerProvider kdpm2 = map.get("kdpm2");
      assertThat(kdpm2.getClass()).isNotSameAs(Kdpm2SchedulerProvider.class);
      assertThat(kdpm2.getClass().getClassLoader().getName()).isEqualTo("plugin:" + jar.getFileName());
      assertThat(kdpm2.diffusersClassName()).isEqualTo("KDPM2DiscreteScheduler");

      double worst = CaseReplay.worstError(kdpm2, CaseReplay.read("/conformance/kdpm2.json"));
      System.out.printf("kdpm2 loaded from plugin jar, kdpm2.json: worst relative error %.3g%n", worst);
      assertThat(worst).isLessThanOrEqualTo(1e-4);
      // the second provider of the jar works too
      double karras = CaseReplay.worstError(map.get("kdpm2-karras"),
          CaseReplay.read("/conformance/kdpm2-karras-vpred-leading.json"));
      assertThat(karras).isLessThanOrEqualTo(1e-4);
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
      SchedulerProvider kdpm2 = Guice.createInjector(loaded.module()).getInstance(SCHEDULERS).get("kdpm2");
      assertThat(kdpm2.getClass().getClassLoader().getName()).isEqualTo("plugin:a-kdpm2.jar");
      assertThat(CaseReplay.worstError(kdpm2, CaseReplay.read("/conformance/kdpm2-cosine-leading.json")))
          .isLessThanOrEqualTo(1e-4);
    }
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
    private final String hiddenLocation;

    HidingClassLoader(ClassLoader parent, String hiddenPackage, Path hiddenFolder) {
      super("host-without-plugin", parent);
      this.hiddenPackage = hiddenPackage;
      this.hiddenLocation = hiddenFolder.toUri().toString();
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
      if (name.startsWith(hiddenPackage)) {
        throw new ClassNotFoundException(name + " (hidden: must come from the plugin jar)");
      }
      return super.loadClass(name, resolve);
    }

    @Override
    public URL getResource(String name) {
      URL url = super.getResource(name);
      return url != null && url.toString().startsWith(hiddenLocation) ? null : url;
    }

    @Override
    public Enumeration<URL> getResources(String name) throws IOException {
      List<URL> urls = Collections.list(super.getResources(name));
      urls.removeIf(u -> u.toString().startsWith(hiddenLocation));
      return Collections.enumeration(urls);
    }
  }
}
