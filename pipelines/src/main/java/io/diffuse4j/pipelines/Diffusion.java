package io.diffuse4j.pipelines;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Module;
import com.google.inject.util.Modules;
import io.diffuse4j.api.noise.NoiseSourceFactory;
import io.diffuse4j.api.pipeline.Device;
import io.diffuse4j.api.pipeline.DiffusionException;
import io.diffuse4j.api.pipeline.DiffusionPipeline;
import io.diffuse4j.api.pipeline.RuntimeOptions;
import io.diffuse4j.onnx.OnnxRuntimeModule;
import io.diffuse4j.onnx.SessionTuning;
import io.diffuse4j.onnx.OnnxSessionFactory;
import io.diffuse4j.pipelines.adapters.AdapterSessions;
import io.diffuse4j.pipelines.adapters.LoraLibrary;
import io.diffuse4j.pipelines.model.BundledModelFiles;
import io.diffuse4j.pipelines.model.LoadedModel;
import io.diffuse4j.pipelines.model.ModelLoader;
import io.diffuse4j.pipelines.model.ModelManifest;
import io.diffuse4j.plugins.LoadedPlugins;
import io.diffuse4j.plugins.PluginLoader;
import io.diffuse4j.schedulers.Schedulers;
import io.diffuse4j.schedulers.SchedulersModule;
import io.diffuse4j.textencoder.TextEncoderModule;
import io.diffuse4j.unet.UNetModule;
import io.diffuse4j.vae.VaeModule;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The plain entry point: load a model, get a pipeline, no Guice knowledge needed.
 *
 * <pre>{@code
 * try (DiffusionPipeline sd = Diffusion.loadBundled()) {
 *   BufferedImage img = sd.generate(GenerationRequest.builder("a red circle on a blue background")
 *       .seed(42).build()).first().image();
 * }
 * // a Stable Diffusion ONNX export, on the GPU, with plugin jars:
 * try (DiffusionPipeline sd = Diffusion.builder().model(Path.of("sd15-onnx"))
 *     .device(Device.parse("cuda")).plugins(Path.of("plugins")).load()) { ... }
 * }</pre>
 *
 * <p>It builds one Guice injector from the feature modules (ONNX Runtime, text encoder, U-Net,
 * VAE, schedulers, pipeline, plus plugin modules); advanced users can build their own from the
 * same modules with {@link #modules}. Thread-safe.
 */
public final class Diffusion {

  private static final Logger LOG = LoggerFactory.getLogger("io.diffuse4j");

  private Diffusion() {}

  /** Loads the model folder at {@code dir} on the CPU. The caller closes the pipeline. */
  public static DiffusionPipeline load(Path dir) {
    return builder().model(dir).load();
  }

  /**
   * Loads the bundled tiny model on the CPU. The caller closes the pipeline.
   *
   * @throws io.diffuse4j.api.pipeline.DiffusionException naming the dependency to add
   *     ({@code io.github.diffuse4j:diffuse4j-bundled-model}) when the bundled model is not on the class path
   */
  public static DiffusionPipeline loadBundled() {
    return builder().load();
  }

  /** A builder with defaults: bundled model, CPU, no plugins, warnings to SLF4J. */
  public static Builder builder() {
    return new Builder();
  }

  /** The feature modules of one injector. */
  public static List<Module> modules(RuntimeOptions options, Consumer<String> warnings, List<Module> pluginModules) {
    return modules(options, SessionTuning.defaults(), warnings, pluginModules);
  }

  /** The feature modules of one injector, with these ONNX Runtime session settings. */
  public static List<Module> modules(RuntimeOptions options, SessionTuning tuning, Consumer<String> warnings,
      List<Module> pluginModules) {
    List<Module> m = new ArrayList<>(List.of(new OnnxRuntimeModule(options, tuning), new TextEncoderModule(), new UNetModule(),
        new VaeModule(), new SchedulersModule(), new PipelineModule(warnings)));
    m.addAll(pluginModules);
    return m;
  }

  /** Options for loading. Not thread-safe. */
  public static final class Builder {
    private Path model;
    private RuntimeOptions options = RuntimeOptions.defaults();
    private SessionTuning tuning = SessionTuning.defaults();
    private Path pluginDir;
    private Consumer<String> warnings = LOG::warn;
    private String engine = InferenceEngine.ONNX_RUNTIME;
    private Path loraDir;
    private long memoryBudget;
    private boolean verifyModel;

    private Builder() {}

    /**
     * Whether {@link #load()} first checks every file of the model folder against the folder's
     * {@code SHA256SUMS} manifest ({@link ModelManifest}: {@code sha256sum}'s format); a file whose
     * hash differs, a missing or unlisted file, or a missing manifest is an
     * {@link io.diffuse4j.api.pipeline.InvalidModelException} naming the file. Default false. The
     * bundled model is always verified (against the manifest inside its jar), with or without this.
     */
    public Builder verifyModel(boolean verify) {
      this.verifyModel = verify;
      return this;
    }

    /**
     * The folder prompts' {@code <lora:NAME:SCALE>} tags are looked up in ({@code NAME.safetensors});
     * default none (such tags are then refused). LoRAs given on the request need no folder.
     */
    public Builder loraDir(Path dir) {
      this.loraDir = dir;
      return this;
    }

    /**
     * The most memory, in bytes, a request may be estimated to need; larger requests are refused
     * before anything is allocated, with the estimate in the message. Default (0): 90% of the
     * machine's physical memory.
     */
    public Builder memoryBudget(long bytes) {
      this.memoryBudget = bytes;
      return this;
    }

    /**
     * The inference engine running the model parts; default {@value InferenceEngine#ONNX_RUNTIME}.
     * Others ({@code PyTorch} from diffuse4j-djl) are found on the class path, see {@link InferenceEngine}.
     */
    public Builder engine(String name) {
      this.engine = name;
      return this;
    }

    /** The model folder; default: the bundled model. */
    public Builder model(Path dir) {
      this.model = dir;
      return this;
    }

    /** The device; default CPU. */
    public Builder device(Device device) {
      this.options = options.withDevice(device);
      return this;
    }

    /** ONNX Runtime options (device, threads). */
    public Builder runtime(RuntimeOptions runtimeOptions) {
      this.options = runtimeOptions;
      return this;
    }

    /**
     * ONNX Runtime session settings (memory arena, memory pattern, optimized-model cache, CUDA
     * options); default {@link SessionTuning#defaults()}.
     */
    public Builder sessionTuning(SessionTuning sessionTuning) {
      this.tuning = sessionTuning;
      return this;
    }

    /**
     * A folder of plugin jars to load; default none. A plugin is code that runs with this
     * application's full rights (files, network, {@code System.exit}): load only jars you would put
     * on the class path. Faults are contained (time limit per jar, {@code Error}s and {@code null}s
     * skip that plugin, its threads are interrupted and its class loader released on close); see
     * {@link PluginLoader}.
     */
    public Builder plugins(Path dir) {
      this.pluginDir = dir;
      return this;
    }

    /** Where warnings go, besides each result's warning list; default: the SLF4J logger {@code io.diffuse4j}. */
    public Builder warnings(Consumer<String> sink) {
      this.warnings = sink;
      return this;
    }

    /**
     * The scheduler catalogue this configuration sees (built-ins and plugins), without loading a
     * model. Plugin jars stay open for as long as the JVM runs, since the catalogue creates
     * schedulers from their classes; use {@link #load()} for a pipeline that releases them on close.
     */
    public Schedulers schedulers() {
      return injector(loadPlugins()).getInstance(Schedulers.class);
    }

    private LoadedPlugins loadPlugins() {
      LoadedPlugins plugins = pluginDir == null ? LoadedPlugins.empty() : PluginLoader.load(pluginDir);
      plugins.problems().forEach(p -> warnings.accept("warning: " + p));
      return plugins;
    }

    private Injector injector(LoadedPlugins plugins) {
      List<Module> m = modules(options, tuning, warnings, plugins.modules());
      if (!InferenceEngine.ONNX_RUNTIME.equalsIgnoreCase(engine.trim())) {
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        InferenceEngine e = InferenceEngine.find(engine, cl != null ? cl : Diffusion.class.getClassLoader());
        m = List.of(Modules.override(m).with(e.modules(options)));
      }
      return Guice.createInjector(m);
    }

    /** Opens the model; the caller closes the pipeline (which also releases the plugins). */
    public DiffusionPipeline load() {
      // the bundled model's unpacking and verification (hashing its files) overlaps the injector's creation
      FutureTask<Path> folder = new FutureTask<>(() -> model != null ? model : BundledModelFiles.folder());
      if (model == null) {
        Thread t = new Thread(folder, "diffuse4j-bundled-model");
        t.setDaemon(true);
        t.start();
      } else {
        folder.run();
        if (verifyModel) { // the bundled model's copy is verified against its own manifest by BundledModelFiles
          ModelManifest.read(model).verify(model);
        }
      }
      LoadedPlugins plugins = loadPlugins();
      try {
        Injector injector = injector(plugins);
        Path dir = await(folder);
        LoadedModel loaded = injector.getInstance(ModelLoader.class).load(dir);
        LatentPreview preview = loaded.folder().defaults().has("latent_rgb_factors")
            ? previewFrom(loaded) : LatentPreview.stableDiffusion();
        AdapterSessions adapters = new AdapterSessions(loaded, injector.getInstance(OnnxSessionFactory.class));
        return new StableDiffusionPipeline(loaded, injector.getInstance(Schedulers.class),
            injector.getInstance(NoiseSourceFactory.class), preview, plugins, adapters,
            loraDir == null ? null : new LoraLibrary(loraDir), memoryBudget);
      } catch (RuntimeException e) {
        plugins.close();
        throw e;
      }
    }

    /** The task's value, or its failure as thrown. */
    private static Path await(FutureTask<Path> task) {
      try {
        return task.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new DiffusionException("Interrupted while unpacking the bundled model", e);
      } catch (ExecutionException e) {
        if (e.getCause() instanceof RuntimeException r) {
          throw r;
        }
        if (e.getCause() instanceof Error err) {
          throw err;
        }
        throw new DiffusionException("Could not unpack the bundled model: " + e.getCause(), e.getCause());
      }
    }

    private static LatentPreview previewFrom(LoadedModel m) {
      var f = m.folder().defaults().path("latent_rgb_factors");
      double[][] factors = new double[f.size()][3];
      for (int c = 0; c < f.size(); c++) {
        for (int k = 0; k < 3; k++) {
          factors[c][k] = f.get(c).get(k).asDouble();
        }
      }
      var b = m.folder().defaults().path("latent_rgb_bias");
      double[] bias = new double[3];
      for (int k = 0; k < 3 && b.isArray(); k++) {
        bias[k] = b.get(k).asDouble();
      }
      return new LatentPreview(factors, bias);
    }
  }
}
