package io.diffuse4j.plugins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.name.Names;
import io.diffuse4j.api.scheduler.Scheduler;
import io.diffuse4j.api.scheduler.SchedulerConfig;
import io.diffuse4j.api.scheduler.SchedulerProvider;
import io.diffuse4j.api.tensor.FloatTensor;
import io.diffuse4j.plugins.PluginProblem.Kind;
import io.diffuse4j.schedulers.Schedulers;
import io.diffuse4j.schedulers.SchedulersModule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginLoaderTest {

  private static final String PLUGIN = TestPluginJars.PLUGIN_SERVICE;
  private static final String SCHEDULER = TestPluginJars.SCHEDULER_SERVICE;
  private static final Key<Map<String, SchedulerProvider>> SCHEDULER_MAP = TestPluginJars.SCHEDULER_MAP;

  @TempDir static Path work;
  private static TestPluginJars jars;

  @TempDir Path dir;

  @BeforeAll
  static void compilePlugins() throws IOException {
    jars = TestPluginJars.compile(work, TestPluginSources.all());
  }

  private Path good() throws IOException {
    return jars.jar(dir, "good.jar", "test.good", Map.of(PLUGIN, List.of("test.good.GoodPlugin")));
  }

  private Path only() throws IOException {
    return jars.jar(dir, "only.jar", "test.only",
        Map.of(SCHEDULER, List.of("test.only.HalfProvider", "test.only.QuarterProvider")));
  }

  @Test
  void loadsPluginsAndSchedulerOnlyJarsThroughServiceLoaderIntoGuice() throws IOException {
    good();
    only();
    try (LoadedPlugins loaded = PluginLoader.load(dir)) {
      assertThat(loaded.problems()).isEmpty();
      assertThat(loaded.plugins()).extracting(LoadedPlugin::name).containsExactly("good-plugin", "only.jar");
      assertThat(loaded.plugins().get(0).description()).isEqualTo("a plugin for tests");
      assertThat(loaded.plugins().get(0).schedulerNames()).containsExactly("plugin-good");
      assertThat(loaded.plugins().get(1).schedulerNames()).containsExactly("plugin-half", "plugin-quarter");
      assertThat(loaded.schedulerNames()).containsExactly("plugin-good", "plugin-half", "plugin-quarter");

      // the classes come from the jars, not from the test class path
      for (SchedulerProvider p : loaded.rawSchedulerProviders()) {
        assertThat(p.getClass().getClassLoader()).isInstanceOf(PluginClassLoader.class);
      }

      // next to the built-ins, as the pipeline installs them
      Injector injector = Guice.createInjector(new SchedulersModule(), loaded.module());
      Map<String, SchedulerProvider> map = injector.getInstance(SCHEDULER_MAP);
      assertThat(map).containsKeys("ddim", "ddpm", "plugin-good", "plugin-half", "plugin-quarter");
      assertThat(injector.getInstance(Schedulers.class).names()).contains("ddim", "plugin-good", "plugin-quarter");
      assertThat(injector.getInstance(Key.get(String.class, Names.named("good-plugin.greeting")))).isEqualTo("hello");

      Scheduler s = map.get("plugin-quarter").create(SchedulerConfig.of("FactorScheduler", Map.of()));
      s.setTimesteps(3);
      assertThat(s.timesteps()).containsExactly(999, 499.5, 0);
      FloatTensor x = FloatTensor.of(new float[] {1f, 2f}, 1, 2);
      FloatTensor next = s.step(FloatTensor.of(new float[] {4f, 4f}, 1, 2), 999, x, null);
      assertThat(next.data()).containsExactly(0f, 1f);
    }
  }

  @Test
  void missingFolderIsAClearError() {
    Path missing = dir.resolve("no-such-folder");
    assertThatThrownBy(() -> PluginLoader.load(missing))
        .isInstanceOf(PluginLoadException.class)
        .hasMessageContaining(missing.toAbsolutePath().toString())
        .hasMessageContaining("does not exist");
  }

  @Test
  void aFileInsteadOfAFolderIsAClearError() throws IOException {
    Path file = Files.writeString(dir.resolve("plugins.txt"), "x");
    assertThatThrownBy(() -> PluginLoader.load(file))
        .isInstanceOf(PluginLoadException.class)
        .hasMessageContaining(file.toAbsolutePath().toString())
        .hasMessageContaining("not a folder");
  }

  @Test
  void emptyFolderLoadsNothing() {
    try (LoadedPlugins loaded = PluginLoader.load(dir)) {
      assertThat(loaded.plugins()).isEmpty();
      assertThat(loaded.problems()).isEmpty();
      assertThat(loaded.modules()).isEmpty();
      assertThat(Guice.createInjector(loaded.module())).isNotNull();
    }
  }

  @Test
  void jarWithoutServicesIsReportedAndOthersLoad() throws IOException {
    good();
    Path plain = jars.jar(dir, "plain.jar", "test.plain", Map.of());
    Files.writeString(dir.resolve("notes.txt"), "not a jar, ignored");
    try (LoadedPlugins loaded = PluginLoader.load(dir)) {
      assertThat(loaded.schedulerNames()).containsExactly("plugin-good");
      assertThat(loaded.problems()).singleElement().satisfies(p -> {
        assertThat(p.kind()).isEqualTo(Kind.NOT_A_PLUGIN);
        assertThat(p.jar()).isEqualTo(plain);
        assertThat(p.message()).contains(plain.toString()).contains("META-INF/services/" + SCHEDULER);
      });
    }
  }

  @Test
  void corruptJarIsReportedAndOthersLoad() throws IOException {
    only();
    Path good = good();
    byte[] bytes = Files.readAllBytes(good);
    Path corrupt = dir.resolve("corrupt.jar");
    TestPluginJars.writeBytes(corrupt, Arrays.copyOf(bytes, bytes.length / 2)); // truncated download
    Path text = Files.writeString(dir.resolve("text.jar"), "this is not a zip file");
    try (LoadedPlugins loaded = PluginLoader.load(dir)) {
      assertThat(loaded.schedulerNames()).containsExactly("plugin-good", "plugin-half", "plugin-quarter");
      assertThat(loaded.problems()).hasSize(2).allSatisfy(p -> {
        assertThat(p.kind()).isEqualTo(Kind.UNREADABLE_JAR);
        assertThat(p.message()).contains(p.jar().toString()).contains("not a readable jar");
      });
      assertThat(loaded.problems()).extracting(PluginProblem::jar).containsExactly(corrupt, text);
    }
  }

  @Test
  void throwingConstructorSkipsOnlyThatProvider() throws IOException {
    good();
    Path boom = jars.jar(dir, "boom.jar", "test.boom",
        Map.of(SCHEDULER, List.of("test.boom.BoomProvider", "test.boom.FineProvider")));
    try (LoadedPlugins loaded = PluginLoader.load(dir)) {
      assertThat(loaded.schedulerNames()).containsExactly("plugin-fine", "plugin-good");
      assertThat(loaded.problems()).singleElement().satisfies(p -> {
        assertThat(p.kind()).isEqualTo(Kind.PROVIDER_FAILED);
        assertThat(p.jar()).isEqualTo(boom);
        assertThat(p.subject()).isEqualTo("test.boom.BoomProvider");
        assertThat(p.message()).contains(boom.toString()).contains("test.boom.BoomProvider")
            .contains("IllegalStateException: boom: licence key missing");
      });
      Map<String, SchedulerProvider> map = Guice.createInjector(loaded.module()).getInstance(SCHEDULER_MAP);
      assertThat(map).containsOnlyKeys("plugin-fine", "plugin-good");
    }
  }

  @Test
  void missingProviderClassIsReported() throws IOException {
    only();
    Path ghost = jars.jar(dir, "ghost.jar", "test.plain", Map.of(SCHEDULER, List.of("test.plain.NoSuchProvider")));
    try (LoadedPlugins loaded = PluginLoader.load(dir)) {
      assertThat(loaded.schedulerNames()).containsExactly("plugin-half", "plugin-quarter");
      assertThat(loaded.problems()).singleElement().satisfies(p -> {
        assertThat(p.kind()).isEqualTo(Kind.PROVIDER_FAILED);
        assertThat(p.message()).contains(ghost.toString()).contains("test.plain.NoSuchProvider");
      });
    }
  }

  @Test
  void nameOfABuiltInIsRefusedAndTheBuiltInKept() throws IOException {
    good();
    Path clash = jars.jar(dir, "clash.jar", "test.clash",
        Map.of(SCHEDULER, List.of("test.clash.ClashProvider", "test.clash.DdimProvider", "test.clash.OwnProvider")));
    try (LoadedPlugins loaded = PluginLoader.load(dir)) {
      assertThat(loaded.schedulerNames()).containsExactly("plugin-own", "plugin-good");
      assertThat(loaded.problems()).hasSize(2).allSatisfy(p -> {
        assertThat(p.kind()).isEqualTo(Kind.DUPLICATE_NAME);
        assertThat(p.message()).contains(clash.toString()).contains("built-in");
      });
      assertThat(loaded.problems().get(0).subject()).isEqualTo("test-builtin");
      assertThat(loaded.problems().get(0).message()).contains("test.clash.ClashProvider")
          .contains("built-in " + TestBuiltInProvider.class.getName());
      assertThat(loaded.problems().get(1).subject()).isEqualTo("ddim");
      assertThat(loaded.problems().get(1).message()).contains("test.clash.DdimProvider")
          .contains("built-in io.diffuse4j.schedulers.BuiltInSchedulers$Ddim");
      // the built-in ddim is the one Guice binds, next to the plugin's own scheduler
      Map<String, SchedulerProvider> map =
          Guice.createInjector(new SchedulersModule(), loaded.module()).getInstance(SCHEDULER_MAP);
      assertThat(map.get("ddim").getClass().getClassLoader()).isSameAs(SchedulersModule.class.getClassLoader());
      assertThat(map).containsKeys("ddim", "plugin-own", "plugin-good");
    }
  }

  @Test
  void explicitBuiltInNamesReplaceTheServiceLookup() throws IOException {
    Path only = only();
    try (LoadedPlugins loaded = PluginLoader.standard()
        .withBuiltInSchedulers(Map.of("plugin-half", "built-in HalfOfTheHost")).loadFrom(dir)) {
      assertThat(loaded.schedulerNames()).containsExactly("plugin-quarter");
      assertThat(loaded.problems()).singleElement()
          .satisfies(p -> assertThat(p.message()).contains(only.toString()).contains("HalfOfTheHost"));
    }
  }

  @Test
  void twoPluginsWithOneNameFirstJarWins() throws IOException {
    Path first = jars.jar(dir, "twin1.jar", "test.twin1", Map.of(SCHEDULER, List.of("test.twin1.TwinProvider")));
    Path second = jars.jar(dir, "twin2.jar", "test.twin2", Map.of(SCHEDULER, List.of("test.twin2.TwinProvider")));
    only();
    try (LoadedPlugins loaded = PluginLoader.load(dir)) {
      assertThat(loaded.schedulerNames()).containsExactly("plugin-half", "plugin-quarter", "plugin-twin");
      assertThat(loaded.rawSchedulerProviders().get(2).getClass().getClassLoader())
          .isSameAs(loaded.rawSchedulerProviders().get(2).getClass().getClassLoader());
      SchedulerProvider twin = Guice.createInjector(loaded.module()).getInstance(SCHEDULER_MAP).get("plugin-twin");
      assertThat(((PluginClassLoader) ((ContainedSchedulerProvider) twin).delegate().getClass().getClassLoader()).jar())
          .isEqualTo(first);
      assertThat(loaded.plugins()).extracting(LoadedPlugin::jar).containsExactly(only(), first);
      assertThat(loaded.problems()).singleElement().satisfies(p -> {
        assertThat(p.kind()).isEqualTo(Kind.DUPLICATE_NAME);
        assertThat(p.jar()).isEqualTo(second);
        assertThat(p.message()).contains(second.toString()).contains(first.toString()).contains("'plugin-twin'");
      });
    }
  }

  @Test
  void invalidNameAndFailingModuleAreReported() throws IOException {
    good();
    Path badName = jars.jar(dir, "badname.jar", "test.badname",
        Map.of(SCHEDULER, List.of("test.badname.BadNameProvider")));
    Path badModule = jars.jar(dir, "badmodule.jar", "test.badmodule",
        Map.of(PLUGIN, List.of("test.badmodule.BadModulePlugin")));
    try (LoadedPlugins loaded = PluginLoader.load(dir)) {
      assertThat(loaded.schedulerNames()).containsExactly("plugin-good");
      assertThat(loaded.plugins()).extracting(LoadedPlugin::name).containsExactly("good-plugin");
      assertThat(loaded.problems()).extracting(PluginProblem::kind)
          .containsExactly(Kind.PROVIDER_FAILED, Kind.INVALID_NAME);
      assertThat(loaded.problems().get(0).message()).contains(badModule.toString()).contains("bad-module")
          .contains("configure exploded");
      assertThat(loaded.problems().get(1).message()).contains(badName.toString()).contains("'Bad Name'");
      assertThatThrownBy(loaded::requireNoProblems)
          .isInstanceOf(PluginLoadException.class)
          .hasMessageContaining("2 plugin problems")
          .hasMessageContaining(badModule.toString())
          .hasMessageContaining(badName.toString());
      assertThat(Guice.createInjector(loaded.module()).getInstance(SCHEDULER_MAP)).containsOnlyKeys("plugin-good");
    }
  }

  @Test
  void throwingPluginConstructorSkipsThatPluginOnly() throws IOException {
    Path bad = jars.jar(dir, "badplugin.jar", "test.badplugin", Map.of(
        PLUGIN, List.of("test.badplugin.BoomPlugin"), SCHEDULER, List.of("test.badplugin.SoloProvider")));
    only();
    try (LoadedPlugins loaded = PluginLoader.load(dir)) {
      assertThat(loaded.schedulerNames()).containsExactly("plugin-solo", "plugin-half", "plugin-quarter");
      assertThat(loaded.problems()).singleElement().satisfies(p -> {
        assertThat(p.kind()).isEqualTo(Kind.PROVIDER_FAILED);
        assertThat(p.subject()).isEqualTo("test.badplugin.BoomPlugin");
        assertThat(p.message()).contains(bad.toString()).contains("plugin constructor exploded");
      });
    }
  }

  @Test
  void providerListedBothWaysIsRegisteredOnce() throws IOException {
    jars.jar(dir, "both.jar", "test.both", Map.of(
        PLUGIN, List.of("test.both.BothPlugin"), SCHEDULER, List.of("test.both.BothProvider")));
    try (LoadedPlugins loaded = PluginLoader.load(dir)) {
      assertThat(loaded.problems()).isEmpty();
      assertThat(loaded.schedulerNames()).containsExactly("plugin-both");
      assertThat(loaded.plugins()).extracting(LoadedPlugin::name).containsExactly("both-plugin");
    }
  }

  @Test
  void closeClosesTheJarsOnce() throws IOException {
    only();
    LoadedPlugins loaded = PluginLoader.load(dir);
    PluginClassLoader loader = (PluginClassLoader) loaded.rawSchedulerProviders().get(0).getClass().getClassLoader();
    assertThat(loader.findResource("test/only/HalfProvider.class")).isNotNull();
    loaded.close();
    loaded.close();
    assertThat(loader.findResource("test/only/HalfProvider.class")).isNull();
    // a plugin class first needed after close fails with a message that names the mistake
    assertThatThrownBy(() -> loader.loadClass("test.only.FactorScheduler"))
        .isInstanceOf(ClassNotFoundException.class)
        .hasMessageContaining("was already closed")
        .hasMessageContaining(dir.resolve("only.jar").toString());
    assertThat(loaded.requireNoProblems()).isSameAs(loaded);
  }
}
