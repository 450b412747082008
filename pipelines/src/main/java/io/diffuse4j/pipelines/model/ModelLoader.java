package io.diffuse4j.pipelines.model;

import io.diffuse4j.api.model.Denoiser;
import io.diffuse4j.api.model.DenoiserInfo;
import io.diffuse4j.api.model.DenoiserLoader;
import io.diffuse4j.api.model.TextEncoder;
import io.diffuse4j.api.model.TextEncoderLoader;
import io.diffuse4j.api.model.VaeDecoder;
import io.diffuse4j.api.model.VaeEncoder;
import io.diffuse4j.api.model.VaeLoader;
import io.diffuse4j.api.pipeline.DiffusionException;
import io.diffuse4j.api.pipeline.InvalidModelException;
import io.diffuse4j.api.pipeline.ModelInfo;
import io.diffuse4j.api.scheduler.SchedulerConfig;
import io.diffuse4j.onnx.ModelConfigs;
import io.diffuse4j.schedulers.SchedulerConfigJson;
import io.diffuse4j.schedulers.Schedulers;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

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

  /** Opens the model in {@code dir}; the caller closes the result. */
  public LoadedModel load(Path dir) {
    ModelFolder folder = ModelFolder.inspect(dir);
    SchedulerConfig schedulerConfig = SchedulerConfigJson.parse(dir.resolve("scheduler").resolve("scheduler_config.json"));
    List<AutoCloseable> opened = new ArrayList<>();
    try {
      boolean xl = folder.dualTextEncoders();
      TextEncoder te = textEncoders.load(dir, "text_encoder", "tokenizer", xl ? "penultimate" : "last_hidden_state");
      opened.add(te);
      TextEncoder te2 = null;
      if (xl) {
        String tok2 = java.nio.file.Files.isDirectory(dir.resolve("tokenizer_2")) ? "tokenizer_2" : "tokenizer";
        te2 = textEncoders.load(dir, "text_encoder_2", tok2, "penultimate");
        opened.add(te2);
      }
      Denoiser unet = denoisers.load(dir);
      opened.add(unet);
      VaeDecoder vae = vaes.loadDecoder(dir);
      opened.add(vae);
      Optional<VaeEncoder> enc = vaes.loadEncoder(dir);
      enc.ifPresent(opened::add);
      checkFit(dir, te, te2, unet.info(), vae);
      ModelFamily family = detectFamily(folder, te, schedulerConfig);
      ModelInfo info = describe(folder, family, unet.info(), vae, schedulerConfig);
      return new LoadedModel(folder, info, family, te, te2, unet, vae, enc, schedulerConfig);
    } catch (RuntimeException e) {
      for (int i = opened.size() - 1; i >= 0; i--) {
        try {
          opened.get(i).close();
        } catch (Exception suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw e;
    }
  }

  private static void checkFit(Path dir, TextEncoder te, TextEncoder te2, DenoiserInfo unet, VaeDecoder vae) {
    int hidden = te.hiddenSize() + (te2 == null ? 0 : te2.hiddenSize());
    if (hidden != unet.crossAttentionDim()) {
      throw new DiffusionException("The parts of " + dir + " don't fit: the text encoder"
          + (te2 == null ? " (text_encoder/model.onnx) gives hidden size " + te.hiddenSize()
              : "s (text_encoder + text_encoder_2) give hidden size " + te.hiddenSize() + " + " + te2.hiddenSize())
          + " but the U-Net (unet/model.onnx) expects encoder_hidden_states of size " + unet.crossAttentionDim()
          + ". Use the text encoder exported with this U-Net.");
    }
    int c = vae.latentChannels();
    if (unet.outChannels() != c || (unet.inChannels() != c && unet.inChannels() != 2 * c + 1)) {
      throw new DiffusionException("The parts of " + dir + " don't fit: the U-Net (unet/model.onnx) works on "
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

  static ModelFamily detectFamily(ModelFolder folder, TextEncoder te, SchedulerConfig sc) {
    String declared = folder.defaults().path("family").asText("");
    if (!declared.isEmpty()) {
      return ModelFamily.byId(declared).orElseThrow(() -> new InvalidModelException(
          folder.dir().resolve("diffuse4j.json"), "\"family\" is \"" + declared + "\", which diffuse4j does not know;"
          + " use one of " + ModelFamily.knownIds() + ", or leave it out to detect the family from the model"));
    }
    String cls = folder.pipelineClass();
    String hint = (folder.name() + " " + folder.index().path("_name_or_path").asText("")).toLowerCase(Locale.ROOT);
    boolean turbo = hint.contains("turbo");
    if (folder.dualTextEncoders()) {
      return turbo ? ModelFamily.SDXL_TURBO : ModelFamily.SDXL;
    }
    if (cls.contains("LatentConsistency") || "LCMScheduler".equals(sc.className())) {
      return ModelFamily.LCM;
    }
    if (turbo) {
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
