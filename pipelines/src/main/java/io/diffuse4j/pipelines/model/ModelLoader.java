package io.diffuse4j.pipelines.model;

import io.diffuse4j.api.model.Denoiser;
import io.diffuse4j.api.model.DenoiserInfo;
import io.diffuse4j.api.model.DenoiserLoader;
import io.diffuse4j.api.model.TextEncoder;
import io.diffuse4j.api.model.TextEncoderLoader;
import io.diffuse4j.api.model.VaeDecoder;
import io.diffuse4j.api.model.VaeEncoder;
import io.diffuse4j.api.model.VaeLoader;
import io.diffuse4j.api.pipeline.InvalidModelException;
import io.diffuse4j.api.pipeline.ModelInfo;
import io.diffuse4j.api.scheduler.SchedulerConfig;
import io.diffuse4j.onnx.LoadTasks;
import io.diffuse4j.onnx.ModelConfigs;
import io.diffuse4j.onnx.NativeMemory;
import io.diffuse4j.schedulers.SchedulerConfigJson;
import io.diffuse4j.schedulers.Schedulers;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Opens every part of a model folder through the loaders bound in Guice, reads each session's
 * metadata and refuses parts that don't fit together (text hidden size vs. the U-Net's
 * cross-attention size, U-Net latent channels vs. the VAE's), naming the files and the numbers.
 * Detects the model family from {@code model_index.json} and the sessions. Thread-safe.
 */
public final class ModelLoader {

  private final TextEncoderLoader textEncoders;
  private final DenoiserLoader denoisers;
  private final VaeLoader vaes;
  private final Schedulers schedulers;

  /** A loader using the bound part loaders. */
  @Inject
  public ModelLoader(TextEncoderLoader textEncoders, DenoiserLoader denoisers, VaeLoader vaes, Schedulers schedulers) {
    this.textEncoders = textEncoders;
    this.denoisers = denoisers;
    this.vaes = vaes;
    this.schedulers = schedulers;
  }

  /**
   * Opens the model in {@code dir}; the caller closes the result. The parts (text encoders with their
   * tokenizers, U-Net, VAE decoder and encoder) are opened in parallel, on as many threads as there
   * are cores (at most one per part): session creation is mostly single-threaded work (reading
   * weights, optimizing the graph). Native memory the load freed is then handed back to the
   * operating system ({@link NativeMemory#releaseFree()}). When a part fails,
   * the others are closed and the first failure, in the order above, is thrown.
   */
  public LoadedModel load(Path dir) {
    ModelFolder folder = ModelFolder.inspect(dir);
    SchedulerConfig schedulerConfig = schedulerConfig(dir.resolve("scheduler").resolve("scheduler_config.json"));
    boolean xl = folder.dualTextEncoders();
    String tok2 = java.nio.file.Files.isDirectory(dir.resolve("tokenizer_2")) ? "tokenizer_2" : "tokenizer";
    // no more threads than cores: on a small machine the text encoder's session (the longest) keeps a core
    // to itself instead of sharing it with every other part at once; the parts are submitted longest first
    int threads = Math.max(1, Math.min(xl ? 5 : 4, Runtime.getRuntime().availableProcessors()));
    ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "diffuse4j-load");
      t.setDaemon(true);
      return t;
    });
    List<Future<? extends AutoCloseable>> parts = new ArrayList<>();
    Future<Optional<VaeEncoder>> encF = null;
    try {
      Future<TextEncoder> teF = pool.submit(() ->
          textEncoders.load(dir, "text_encoder", "tokenizer", xl ? "penultimate" : "last_hidden_state"));
      parts.add(teF);
      Future<TextEncoder> te2F = xl ? pool.submit(() -> textEncoders.load(dir, "text_encoder_2", tok2, "penultimate"))
          : null;
      if (te2F != null) {
        parts.add(te2F);
      }
      Future<Denoiser> unetF = pool.submit(() -> denoisers.load(dir));
      parts.add(unetF);
      Future<VaeDecoder> vaeF = pool.submit(() -> vaes.loadDecoder(dir));
      parts.add(vaeF);
      encF = pool.submit(() -> vaes.loadEncoder(dir));
      TextEncoder te = get(teF);
      TextEncoder te2 = te2F == null ? null : get(te2F);
      Denoiser unet = get(unetF);
      VaeDecoder vae = get(vaeF);
      Optional<VaeEncoder> enc = get(encF);
      checkFit(dir, te, te2, unet.info(), vae);
      ModelFamily family = detectFamily(folder, te, unet.info(), schedulerConfig);
      ModelInfo info = describe(folder, family, unet.info(), vae, schedulerConfig);
      // what the load threads freed stays in their malloc arenas, unused by the threads that run the model
      NativeMemory.releaseFree();
      return new LoadedModel(folder, info, family, te, te2, unet, vae, enc, schedulerConfig);
    } catch (RuntimeException e) {
      if (encF != null) {
        Future<Optional<VaeEncoder>> f = encF;
        parts.add(pool.submit(() -> { // the encoder, when it loaded, closes like the other parts
          Optional<VaeEncoder> o = f.get();
          return (AutoCloseable) () -> o.ifPresent(VaeEncoder::close);
        }));
      }
      closeAll(parts, e);
      throw e;
    } finally {
      pool.shutdown();
    }
  }

  /**
   * The folder's scheduler config; an {@link InvalidModelException} naming the file when it cannot be
   * read or names a class no bound scheduler provides (diffusers' pipelines cannot load it either).
   */
  private SchedulerConfig schedulerConfig(Path file) {
    SchedulerConfig sc;
    try {
      sc = SchedulerConfigJson.parse(file);
    } catch (IllegalArgumentException e) {
      throw new InvalidModelException(file, e.getMessage() + ". Restore the file from the model (diffusers'"
          + " scheduler_config.json: \"_class_name\" and the scheduler's settings).", e);
    }
    if (schedulers.provider(sc.className()).isEmpty()) {
      java.util.Set<String> known = new java.util.TreeSet<>();
      schedulers.providers().values().forEach(p -> known.add(p.diffusersClassName()));
      throw new InvalidModelException(file, file + ": \"_class_name\" is \"" + sc.className() + "\", a scheduler"
          + " diffuse4j does not provide; set it to one of " + known + " (its other settings carry over, as"
          + " diffusers' from_config), or add a scheduler plugin that provides it");
    }
    return sc;
  }

  /** The part's value, or its failure as thrown by the loader (waiting for it). */
  private static <T> T get(Future<T> f) {
    return LoadTasks.await(f, "the model");
  }


  /** Closes every part that loaded (waiting for those still loading), newest first. */
  private static void closeAll(List<Future<? extends AutoCloseable>> parts, RuntimeException cause) {
    for (int i = parts.size() - 1; i >= 0; i--) {
      try {
        AutoCloseable c = parts.get(i).get();
        c.close();
      } catch (ExecutionException | InterruptedException failedToo) {
        // this part failed as well (or we were interrupted): nothing of it to close
        if (failedToo instanceof InterruptedException) {
          Thread.currentThread().interrupt();
        }
      } catch (Exception suppressed) {
        cause.addSuppressed(suppressed);
      }
    }
  }

  private static void checkFit(Path dir, TextEncoder te, TextEncoder te2, DenoiserInfo unet, VaeDecoder vae) {
    int hidden = te.hiddenSize() + (te2 == null ? 0 : te2.hiddenSize());
    if (hidden != unet.crossAttentionDim()) {
      throw new InvalidModelException(dir, "The parts of " + dir + " don't fit: the text encoder"
          + (te2 == null ? " (text_encoder/model.onnx) gives hidden size " + te.hiddenSize()
              : "s (text_encoder + text_encoder_2) give hidden size " + te.hiddenSize() + " + " + te2.hiddenSize())
          + " but the U-Net (unet/model.onnx) expects encoder_hidden_states of size " + unet.crossAttentionDim()
          + ". Use the text encoder exported with this U-Net.");
    }
    int c = vae.latentChannels();
    if (unet.outChannels() != c || (unet.inChannels() != c && unet.inChannels() != 2 * c + 1)) {
      throw new InvalidModelException(dir, "The parts of " + dir + " don't fit: the U-Net (unet/model.onnx) works on "
          + unet.inChannels() + " input / " + unet.outChannels() + " output latent channels but the VAE decoder"
          + " (vae_decoder/model.onnx) reads " + c + " (an inpainting U-Net takes " + (2 * c + 1)
          + "). Use the VAE exported with this U-Net.");
    }
  }

  private ModelInfo describe(ModelFolder folder, ModelFamily family, DenoiserInfo unet, VaeDecoder vae,
      SchedulerConfig sc) {
    int multiple = vae.scaleFactor() * Math.max(1, unet.downsampleFactor());
    int size;
    if (folder.defaultNumber("width").isPresent()) {
      size = folder.defaultNumber("width").get().intValue();
    } else if (unet.sampleSize() > 0) {
      size = unet.sampleSize() * vae.scaleFactor();
    } else {
      size = family.defaultSize();
    }
    int height = folder.defaultNumber("height").map(Double::intValue).orElse(size);
    int steps = folder.defaultNumber("num_inference_steps").map(Double::intValue).orElse(family.defaultSteps());
    double guidance = folder.defaultNumber("guidance_scale").orElse(family.defaultGuidance());
    return new ModelInfo(folder.name(), family.id(), size, height, steps, guidance, schedulers.nameFor(sc), multiple);
  }

  /**
   * The family, from what the folder says and never from its name: {@code family} of
   * {@code diffuse4j.json} when present; else two text encoders → SDXL; LCM from the pipeline class,
   * the {@code LCMScheduler} or a U-Net with a {@code timestep_cond} input; the distilled one-step
   * models (SD-Turbo, SDXL-Turbo) from their scheduler's {@code "timestep_spacing": "trailing"} (the
   * base models ship "leading" schedulers); SD 2.x from its 1024-wide encoder or a tokenizer padding
   * with {@code !}.
   */
  static ModelFamily detectFamily(ModelFolder folder, TextEncoder te, DenoiserInfo unet, SchedulerConfig sc) {
    String declared = folder.defaults().path("family").asText("");
    if (!declared.isEmpty()) {
      return ModelFamily.byId(declared).orElseThrow(() -> new InvalidModelException(
          folder.dir().resolve("diffuse4j.json"), folder.dir().resolve("diffuse4j.json") + ": \"family\" is \""
          + declared + "\", which diffuse4j does not know; use one of " + ModelFamily.knownIds()
          + ", or leave it out to detect the family from the model"));
    }
    String cls = folder.pipelineClass();
    boolean lcm = cls.contains("LatentConsistency") || "LCMScheduler".equals(sc.className())
        || unet.timestepCondDim() > 0;
    boolean distilled = !lcm && "trailing".equals(String.valueOf(sc.get("timestep_spacing")));
    if (folder.dualTextEncoders()) {
      return distilled ? ModelFamily.SDXL_TURBO : ModelFamily.SDXL;
    }
    if (lcm) {
      return ModelFamily.LCM;
    }
    if (distilled) {
      return ModelFamily.TURBO;
    }
    // SD 2.x's OpenCLIP text encoder is 1024 wide and its tokenizer pads with "!" (SD 1.x pads with <|endoftext|>).
    String pad = ModelConfigs.readIfPresent(folder.dir().resolve("tokenizer").resolve("tokenizer_config.json"))
        .map(c -> c.path("pad_token")).map(p -> p.isObject() ? p.path("content").asText("") : p.asText(""))
        .orElse("");
    if (te.hiddenSize() == 1024 || "!".equals(pad)) {
      return ModelFamily.SD2;
    }
    return te.hiddenSize() == 768 || "<|endoftext|>".equals(pad) ? ModelFamily.SD1 : ModelFamily.SD;
  }
}
