package io.diffuse4j.plugins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.inject.Guice;
import com.google.inject.Key;
import io.diffuse4j.api.pipeline.DiffusionException;
import io.diffuse4j.api.scheduler.SchedulerConfig;
import io.diffuse4j.api.scheduler.SchedulerProvider;
import io.diffuse4j.plugins.PluginProblem.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Plugins that throw Errors, return nulls, hang, claim huge names or start threads (issue #13). */
class HostilePluginTest {

  private static final String PLUGIN = TestPluginJars.PLUGIN_SERVICE;
  private static final String SCHEDULER = TestPluginJars.SCHEDULER_SERVICE;
  private static final Key<Map<String, SchedulerProvider>> SCHEDULER_MAP = TestPluginJars.SCHEDULER_MAP;

  @TempDir static Path work;
  private static TestPluginJars jars;

  @TempDir Path dir;

  @BeforeAll
  static void compilePlugins() throws IOException {
    Map<String, String> s = new LinkedHashMap<>();
    s.put("test.fine.FactorScheduler", TestPluginSources.scheduler("test.fine"));
    s.put("test.fine.FineProvider", TestPluginSources.provider("test.fine", "FineProvider", "plugin-fine", 1f, ""));
    s.put("test.error.ErrorPlugin", """
        package test.error;
        public final class ErrorPlugin implements io.diffuse4j.plugins.DiffusionPlugin {
          public String name() { throw new AssertionError("name() is an Error"); }
        }
        """);
    s.put("test.error.FactorScheduler", TestPluginSources.scheduler("test.error"));
    s.put("test.error.OkProvider", TestPluginSources.provider("test.error", "OkProvider", "plugin-ok", 1f, ""));
    s.put("test.error.StackProvider", """
        package test.error;
        import io.diffuse4j.api.scheduler.*;
        public final class StackProvider implements SchedulerProvider {
          private static int deep(int n) { return deep(n + 1) + 1; }
          public String name() { return "x" + deep(0); }
          public String diffusersClassName() { return "X"; }
          public Scheduler create(SchedulerConfig c) { return null; }
        }
        """);
    s.put("test.nulls.NullProvider", """
        package test.nulls;
        import io.diffuse4j.api.scheduler.*;
        public final class NullProvider implements SchedulerProvider {
          public String name() { return "plugin-null"; }
          public String diffusersClassName() { return "NullScheduler"; }
          public Scheduler create(SchedulerConfig c) { return null; }
        }
        """);
    s.put("test.nulls.ErrorCreateProvider", """
        package test.nulls;
        import io.diffuse4j.api.scheduler.*;
        public final class ErrorCreateProvider implements SchedulerProvider {
          public String name() { return "plugin-error-create"; }
          public String diffusersClassName() { return "ErrorScheduler"; }
          public Scheduler create(SchedulerConfig c) { throw new NoClassDefFoundError("some/Missing"); }
        }
        """);
    s.put("test.nulls.NullListPlugin", """
        package test.nulls;
        public final class NullListPlugin implements io.diffuse4j.plugins.DiffusionPlugin {
          public String name() { return "null-list"; }
          public java.util.List<io.diffuse4j.api.scheduler.SchedulerProvider> schedulers() { return null; }
        }
        """);
    s.put("test.hang.HangProvider", """
        package test.hang;
        import io.diffuse4j.api.scheduler.*;
        public final class HangProvider implements SchedulerProvider {
          public HangProvider() { while (true) { Thread.onSpinWait(); } }
          public String name() { return "plugin-hang"; }
          public String diffusersClassName() { return "Hang"; }
          public Scheduler create(SchedulerConfig c) { return null; }
        }
        """);
    s.put("test.huge.HugeProvider", """
        package test.huge;
        import io.diffuse4j.api.scheduler.*;
        public final class HugeProvider implements SchedulerProvider {
          private static final String NAME = "a".repeat(20_000_000);
          public String name() { return NAME; }
          public String diffusersClassName() { return "Huge"; }
          public Scheduler create(SchedulerConfig c) { return null; }
        }
        """);
    s.put("test.threads.FactorScheduler", TestPluginSources.scheduler("test.threads"));
    s.put("test.threads.ThreadProvider", """
        package test.threads;
        import io.diffuse4j.api.scheduler.*;
        public final class ThreadProvider implements SchedulerProvider {
          public static final Thread WORKER = new Thread(() -> {
            try { while (true) { Thread.sleep(50); } } catch (InterruptedException e) { }
          }, "plugin-worker");
          static { WORKER.start(); }
          public String name() { return "plugin-threads"; }
          public String diffusersClassName() { return "FactorScheduler"; }
          public Scheduler create(SchedulerConfig c) { return new FactorScheduler(c, 1f); }
        }
        """);
    jars = TestPluginJars.compile(work, s);
  }

  private Path fine() throws IOException {
    return jars.jar(dir, "zz-fine.jar", "test.fine", Map.of(SCHEDULER, List.of("test.fine.FineProvider")));
  }

  @Test
  void errorsFromPluginCodeAreContainedToThatPlugin() throws IOException {
    Path bad = jars.jar(dir, "error.jar", "test.error", Map.of(PLUGIN, List.of("test.error.ErrorPlugin"),
        SCHEDULER, List.of("test.error.StackProvider", "test.error.OkProvider")));
    fine();
    try (LoadedPlugins loaded = PluginLoader.load(dir)) {
      assertThat(loaded.schedulerNames()).containsExactly("plugin-ok", "plugin-fine");
      assertThat(loaded.problems()).extracting(PluginProblem::kind).containsOnly(Kind.PROVIDER_FAILED);
      assertThat(loaded.problems()).hasSize(2).allSatisfy(p -> assertThat(p.jar()).isEqualTo(bad));
      assertThat(loaded.problems().get(0).message()).contains("AssertionError").contains("name() is an Error");
      assertThat(loaded.problems().get(1).message()).contains("StackOverflowError");
    }
  }

  @Test
  void nullsAndErrorsFromCreateNameThePlugin() throws IOException {
    Path jar = jars.jar(dir, "nulls.jar", "test.nulls", Map.of(PLUGIN, List.of("test.nulls.NullListPlugin"),
        SCHEDULER, List.of("test.nulls.NullProvider", "test.nulls.ErrorCreateProvider")));
    try (LoadedPlugins loaded = PluginLoader.load(dir)) {
      assertThat(loaded.problems()).singleElement()
          .satisfies(p -> assertThat(p.message()).contains("schedulers() returned null"));
      Map<String, SchedulerProvider> map = Guice.createInjector(loaded.module()).getInstance(SCHEDULER_MAP);
      SchedulerConfig config = SchedulerConfig.of("X", Map.of());
      assertThatThrownBy(() -> map.get("plugin-null").create(config)).isInstanceOf(DiffusionException.class)
          .hasMessageContaining("plugin-null").hasMessageContaining(jar.toString()).hasMessageContaining("null");
      assertThatThrownBy(() -> map.get("plugin-error-create").create(config)).isInstanceOf(DiffusionException.class)
          .hasMessageContaining("NoClassDefFoundError").hasMessageContaining(jar.toString());
    }
  }

  @Test
  void aJarThatHangsIsSkippedWithinTheTimeLimitAndOthersLoad() throws IOException {
    Path hang = jars.jar(dir, "hang.jar", "test.hang", Map.of(SCHEDULER, List.of("test.hang.HangProvider")));
    fine();
    try (LoadedPlugins loaded = PluginLoader.standard().withTimeLimit(Duration.ofMillis(700)).loadFrom(dir)) {
      assertThat(loaded.schedulerNames()).containsExactly("plugin-fine");
      assertThat(loaded.problems()).singleElement().satisfies(p -> {
        assertThat(p.kind()).isEqualTo(Kind.TIMED_OUT);
        assertThat(p.jar()).isEqualTo(hang);
        assertThat(p.message()).contains("700 ms");
      });
    }
    // the spinning thread is a daemon: it cannot keep the JVM alive
    assertThat(Thread.getAllStackTraces().keySet()).filteredOn(t -> t.getName().contains("hang.jar"))
        .allSatisfy(t -> assertThat(t.isDaemon()).isTrue());
  }

  @Test
  void oversizedNamesAreRefusedWithoutEchoingThem() throws IOException {
    jars.jar(dir, "huge.jar", "test.huge", Map.of(SCHEDULER, List.of("test.huge.HugeProvider")));
    try (LoadedPlugins loaded = PluginLoader.load(dir)) {
      assertThat(loaded.schedulerNames()).isEmpty();
      assertThat(loaded.problems()).singleElement().satisfies(p -> {
        assertThat(p.kind()).isEqualTo(Kind.INVALID_NAME);
        assertThat(p.message()).contains("20000000 characters").hasSizeLessThan(1000);
      });
    }
  }

  @Test
  void threadsStartedByPluginsAreDaemonsAndInterruptedOnClose() throws Exception {
    jars.jar(dir, "threads.jar", "test.threads", Map.of(SCHEDULER, List.of("test.threads.ThreadProvider")));
    LoadedPlugins loaded = PluginLoader.load(dir);
    List<Thread> threads = loaded.pluginThreads();
    assertThat(threads).extracting(Thread::getName).contains("plugin-worker");
    Thread worker = threads.stream().filter(t -> t.getName().equals("plugin-worker")).findFirst().orElseThrow();
    assertThat(worker.isDaemon()).as("a plugin thread never keeps the JVM alive").isTrue();
    loaded.close();
    worker.join(10_000);
    assertThat(worker.isAlive()).isFalse();
    assertThat(loaded.pluginThreads()).isEmpty();
  }

  @Test
  void filesThatAreNotJarsAreSkipped() throws IOException {
    Files.writeString(dir.resolve("notes.jar"), "not a zip");
    Files.write(dir.resolve("empty.jar"), new byte[0]);
    fine();
    try (LoadedPlugins loaded = PluginLoader.load(dir)) {
      assertThat(loaded.schedulerNames()).containsExactly("plugin-fine");
      assertThat(loaded.problems()).extracting(PluginProblem::kind).containsOnly(Kind.UNREADABLE_JAR);
      assertThat(loaded.problems()).hasSize(2);
    }
  }
}
