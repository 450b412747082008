package io.diffuse4j.plugins;

import java.util.LinkedHashMap;
import java.util.Map;

/** Java sources of the test plugins; each package becomes one jar. */
final class TestPluginSources {

  private TestPluginSources() {}

  /** A small but real scheduler: {@code prev = sample - factor * modelOutput}, timesteps 999..0. */
  static String scheduler(String pkg) {
    return """
        package %s;

        import io.diffuse4j.api.scheduler.*;
        import io.diffuse4j.api.tensor.FloatTensor;

        public final class FactorScheduler implements Scheduler {
          private final SchedulerConfig config;
          private final float factor;
          private double[] timesteps = new double[0];

          public FactorScheduler(SchedulerConfig config, float factor) {
            this.config = config;
            this.factor = factor;
          }
          public SchedulerConfig config() { return config; }
          public int numTrainTimesteps() { return 1000; }
          public void setTimesteps(int n) {
            if (n < 1) throw new IllegalArgumentException("n < 1");
            timesteps = new double[n];
            for (int i = 0; i < n; i++) timesteps[i] = n == 1 ? 999 : 999.0 * (n - 1 - i) / (n - 1);
          }
          public double[] timesteps() { return timesteps.clone(); }
          public void setBeginIndex(int i) { }
          public double initNoiseSigma() { return 1.0; }
          public FloatTensor step(FloatTensor eps, double t, FloatTensor x, StepContext ctx) {
            float[] out = new float[x.size()];
            for (int i = 0; i < out.length; i++) out[i] = x.data()[i] - factor * eps.data()[i];
            return x.withData(out);
          }
          public FloatTensor addNoise(FloatTensor x, FloatTensor noise, double t) {
            float[] out = new float[x.size()];
            for (int i = 0; i < out.length; i++) out[i] = x.data()[i] + noise.data()[i];
            return x.withData(out);
          }
        }
        """.formatted(pkg);
  }

  /** A provider class {@code pkg.simpleName} registering {@code name}, optionally throwing in its constructor. */
  static String provider(String pkg, String simpleName, String name, float factor, String constructorBody) {
    return """
        package %s;

        import io.diffuse4j.api.scheduler.*;

        public final class %s implements SchedulerProvider {
          public %s() { %s }
          public String name() { return "%s"; }
          public String diffusersClassName() { return "FactorScheduler"; }
          public Scheduler create(SchedulerConfig c) { return new FactorScheduler(c, %sf); }
        }
        """.formatted(pkg, simpleName, simpleName, constructorBody, name, factor);
  }

  /** Every test plugin, by class name. */
  static Map<String, String> all() {
    Map<String, String> s = new LinkedHashMap<>();
    // good.jar: a DiffusionPlugin with one scheduler and one extra binding
    s.put("test.good.FactorScheduler", scheduler("test.good"));
    s.put("test.good.GoodProvider", provider("test.good", "GoodProvider", "plugin-good", 0.5f, ""));
    s.put("test.good.GoodPlugin", """
        package test.good;

        import com.google.inject.Module;
        import com.google.inject.name.Names;
        import io.diffuse4j.api.scheduler.SchedulerProvider;
        import io.diffuse4j.plugins.DiffusionPlugin;
        import java.util.List;

        public final class GoodPlugin implements DiffusionPlugin {
          public String name() { return "good-plugin"; }
          public String description() { return "a plugin for tests"; }
          public List<SchedulerProvider> schedulers() { return List.of(new GoodProvider()); }
          public Module module() {
            return b -> b.bind(String.class).annotatedWith(Names.named("good-plugin.greeting")).toInstance("hello");
          }
        }
        """);
    // only.jar: bare SchedulerProvider services, no DiffusionPlugin
    s.put("test.only.FactorScheduler", scheduler("test.only"));
    s.put("test.only.HalfProvider", provider("test.only", "HalfProvider", "plugin-half", 0.5f, ""));
    s.put("test.only.QuarterProvider", provider("test.only", "QuarterProvider", "plugin-quarter", 0.25f, ""));
    // plain.jar: classes but no services
    s.put("test.plain.Util", "package test.plain; public final class Util { }");
    // boom.jar: one provider's constructor throws, its sibling is fine
    s.put("test.boom.FactorScheduler", scheduler("test.boom"));
    s.put("test.boom.BoomProvider", provider("test.boom", "BoomProvider", "plugin-boom", 1f,
        "throw new IllegalStateException(\"boom: licence key missing\");"));
    s.put("test.boom.FineProvider", provider("test.boom", "FineProvider", "plugin-fine", 1f, ""));
    // clash.jar: takes a built-in's name
    s.put("test.clash.FactorScheduler", scheduler("test.clash"));
    s.put("test.clash.ClashProvider", provider("test.clash", "ClashProvider", "test-builtin", 1f, ""));
    s.put("test.clash.DdimProvider", provider("test.clash", "DdimProvider", "ddim", 1f, ""));
    s.put("test.clash.OwnProvider", provider("test.clash", "OwnProvider", "plugin-own", 1f, ""));
    // twin1.jar and twin2.jar: both claim plugin-twin
    s.put("test.twin1.FactorScheduler", scheduler("test.twin1"));
    s.put("test.twin1.TwinProvider", provider("test.twin1", "TwinProvider", "plugin-twin", 1f, ""));
    s.put("test.twin2.FactorScheduler", scheduler("test.twin2"));
    s.put("test.twin2.TwinProvider", provider("test.twin2", "TwinProvider", "plugin-twin", 2f, ""));
    // badname.jar: an invalid scheduler name
    s.put("test.badname.FactorScheduler", scheduler("test.badname"));
    s.put("test.badname.BadNameProvider", provider("test.badname", "BadNameProvider", "Bad Name", 1f, ""));
    // badmodule.jar: a plugin whose Guice module throws in configure()
    s.put("test.badmodule.BadModulePlugin", """
        package test.badmodule;

        import com.google.inject.Module;
        import io.diffuse4j.plugins.DiffusionPlugin;

        public final class BadModulePlugin implements DiffusionPlugin {
          public String name() { return "bad-module"; }
          public Module module() {
            return b -> { throw new IllegalStateException("configure exploded"); };
          }
        }
        """);
    // badplugin.jar: a DiffusionPlugin whose constructor throws, next to a working bare provider
    s.put("test.badplugin.FactorScheduler", scheduler("test.badplugin"));
    s.put("test.badplugin.SoloProvider", provider("test.badplugin", "SoloProvider", "plugin-solo", 1f, ""));
    s.put("test.badplugin.BoomPlugin", """
        package test.badplugin;

        import io.diffuse4j.plugins.DiffusionPlugin;

        public final class BoomPlugin implements DiffusionPlugin {
          public BoomPlugin() { throw new IllegalStateException("plugin constructor exploded"); }
          public String name() { return "boom-plugin"; }
        }
        """);
    // both.jar: a provider returned by a DiffusionPlugin and also listed as a service: registered once
    s.put("test.both.FactorScheduler", scheduler("test.both"));
    s.put("test.both.BothProvider", provider("test.both", "BothProvider", "plugin-both", 1f, ""));
    s.put("test.both.BothPlugin", """
        package test.both;

        import io.diffuse4j.api.scheduler.SchedulerProvider;
        import io.diffuse4j.plugins.DiffusionPlugin;
        import java.util.List;

        public final class BothPlugin implements DiffusionPlugin {
          public String name() { return "both-plugin"; }
          public List<SchedulerProvider> schedulers() { return List.of(new BothProvider()); }
        }
        """);
    return s;
  }
}
