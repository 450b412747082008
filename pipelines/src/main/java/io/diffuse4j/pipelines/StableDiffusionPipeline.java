package io.diffuse4j.pipelines;

import io.diffuse4j.api.model.Conditioning;
import io.diffuse4j.api.noise.NoiseSource;
import io.diffuse4j.api.noise.NoiseSourceFactory;
import io.diffuse4j.api.pipeline.Cancellation;
import io.diffuse4j.api.pipeline.DiffusionException;
import io.diffuse4j.api.pipeline.DiffusionPipeline;
import io.diffuse4j.api.pipeline.GeneratedImage;
import io.diffuse4j.api.pipeline.GenerationRequest;
import io.diffuse4j.api.pipeline.GenerationResult;
import io.diffuse4j.api.pipeline.InvalidRequestException;
import io.diffuse4j.api.pipeline.ModelInfo;
import io.diffuse4j.api.pipeline.ProgressListener;
import io.diffuse4j.api.scheduler.Scheduler;
import io.diffuse4j.api.scheduler.StepContext;
import io.diffuse4j.api.tensor.FloatTensor;
import io.diffuse4j.api.pipeline.GenerationCancelledException;
import io.diffuse4j.api.pipeline.VaeTiling;
import io.diffuse4j.pipelines.image.Images;
import io.diffuse4j.pipelines.model.LoadedModel;
import io.diffuse4j.pipelines.stages.DenoiseLoop;
import io.diffuse4j.pipelines.stages.Guidance;
import io.diffuse4j.pipelines.stages.InitialLatents;
import io.diffuse4j.pipelines.stages.LatentDecoder;
import io.diffuse4j.pipelines.stages.PerImageNoise;
import io.diffuse4j.pipelines.stages.PromptEncoder;
import io.diffuse4j.pipelines.stages.Settings;
import io.diffuse4j.pipelines.stages.Warnings;
import io.diffuse4j.schedulers.Schedulers;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import io.diffuse4j.api.pipeline.InvalidRequestException;
import io.diffuse4j.api.pipeline.LoraSpec;
import io.diffuse4j.pipelines.adapters.AdapterSessions;
import io.diffuse4j.pipelines.adapters.LoraLibrary;
import io.diffuse4j.textencoder.prompt.LoraTag;
import io.diffuse4j.textencoder.prompt.PromptTags;

/**
 * Stable Diffusion in latent space, the way diffusers' pipelines run it: check inputs, encode
 * the prompt, set timesteps, prepare latents, denoise with guidance, decode; each stage is a
 * small class in {@link io.diffuse4j.pipelines.stages} (the prompt encoder is chosen per model
 * family when the pipeline is made, the latent strategy and the guidance per request).
 * Text-to-image by default; image-to-image when the request has an init image; inpainting when
 * it also has a mask (9-channel inpainting U-Nets get mask and masked-image latents as input,
 * ordinary U-Nets get the known region blended back at every step).
 *
 * <p>Thread-safe: each call builds its own scheduler and noise source; the sessions are shared.
 * Closing the pipeline is safe at any moment: it waits for running generations (cancelling them
 * within one step) before it closes the model's sessions. Requests whose estimated memory exceeds
 * the budget are refused before anything is allocated.
 */
public final class StableDiffusionPipeline implements DiffusionPipeline {

  private final LoadedModel model;
  private final Schedulers schedulers;
  private final NoiseSourceFactory noiseFactory;
  private final AutoCloseable onClose;
  private final LatentPreview preview;
  private final LatentDecoder decoder;
  private final AdapterSessions adapters;
  private final LoraLibrary loraLibrary;
  private final PipelineLifecycle lifecycle;
  private final MemoryBudget budget;

  /**
   * A pipeline over an opened model, with the default memory budget (90% of physical memory).
   *
   * @param onClose closed after the model (e.g. plugin class loaders), may be null
   */
  public StableDiffusionPipeline(LoadedModel model, Schedulers schedulers, NoiseSourceFactory noiseFactory,
      LatentPreview preview, AutoCloseable onClose) {
    this(model, schedulers, noiseFactory, preview, onClose, null, null);
  }

  /**
   * A pipeline over an opened model that applies LoRA adapters and textual inversions.
   *
   * @param adapters opens adapted sessions of {@code model} (null: requests with adapters are refused)
   * @param loraLibrary the folder {@code <lora:NAME>} prompt tags are looked up in, or null
   */
  public StableDiffusionPipeline(LoadedModel model, Schedulers schedulers, NoiseSourceFactory noiseFactory,
      LatentPreview preview, AutoCloseable onClose, AdapterSessions adapters, LoraLibrary loraLibrary) {
    this(model, schedulers, noiseFactory, preview, onClose, adapters, loraLibrary, 0);
  }

  /**
   * A pipeline that also refuses requests whose estimated memory exceeds {@code memoryBudgetBytes}
   * (0 or less: 90% of physical memory).
   *
   * @param adapters opens adapted sessions of {@code model} (null: requests with adapters are refused)
   * @param loraLibrary the folder {@code <lora:NAME>} prompt tags are looked up in, or null
   */
  public StableDiffusionPipeline(LoadedModel model, Schedulers schedulers, NoiseSourceFactory noiseFactory,
      LatentPreview preview, AutoCloseable onClose, AdapterSessions adapters, LoraLibrary loraLibrary,
      long memoryBudgetBytes) {
    this.lifecycle = new PipelineLifecycle(this::release);
    this.budget = new MemoryBudget(model, memoryBudgetBytes);
    this.model = model;
    this.schedulers = schedulers;
    this.noiseFactory = noiseFactory;
    this.onClose = onClose;
    this.preview = preview;
    this.decoder = new LatentDecoder(model);
    this.adapters = adapters;
    this.loraLibrary = loraLibrary;
  }

  /** The LoRA folder prompts' {@code <lora:NAME>} tags are looked up in, if one was given. */
  public java.util.Optional<LoraLibrary> loraLibrary() {
    return java.util.Optional.ofNullable(loraLibrary);
  }

  @Override
  public ModelInfo model() {
    return model.info();
  }

  @Override
  public List<String> schedulerNames() {
    return schedulers.names();
  }

  /** The opened parts (for advanced use: their metadata). */
  public LoadedModel loadedModel() {
    return model;
  }

  /**
   * {@inheritDoc}
   *
   * <p>The run also stops within one step when the calling thread is interrupted (the interrupt
   * flag stays set), when the request's {@link GenerationRequest#timeout()} passes, or when the
   * pipeline is closed; the {@link GenerationCancelledException} says which.
   *
   * @throws IllegalStateException ("pipeline is closed") after {@link #close()}
   */
  @Override
  public GenerationResult generate(GenerationRequest request, ProgressListener listener, Cancellation cancellation) {
    PipelineLifecycle.Run run = lifecycle.enter(cancellation, request.timeout());
    try {
      return run(request, listener, run);
    } catch (GenerationCancelledException e) {
      throw run.explain(e);
    } finally {
      run.close();
    }
  }

  private GenerationResult run(GenerationRequest request, ProgressListener listener, Cancellation cancellation) {
    long start = System.nanoTime();
    Warnings warnings = new Warnings(listener);
    // 0. Adapters: the request's LoRAs and the prompt's <lora:NAME:SCALE> tags, textual inversions
    PromptTags tags = PromptTags.extract(request.prompt());
    List<LoraSpec> loras = new ArrayList<>(request.controls().loras());
    for (LoraTag t : tags.loras()) {
      if (loraLibrary == null) {
        throw new InvalidRequestException("prompt", "the prompt names <lora:" + t.name() + "> but this pipeline has"
            + " no LoRA folder to look it up in (Diffusion.builder().loraDir(...))");
      }
      loras.add(new LoraSpec(loraLibrary.resolve(t.name()), t.scale()));
    }
    GenerationRequest r = tags.loras().isEmpty() ? request : request.toBuilder().prompt(tags.prompt()).build();
    List<java.nio.file.Path> embeddings = request.controls().textualInversions();
    if (adapters == null && (!loras.isEmpty() || !embeddings.isEmpty())) {
      throw new InvalidRequestException("loras", "this pipeline was made without adapter support; load it with"
          + " Diffusion.builder() to use LoRA adapters and textual inversions");
    }
    if (adapters == null) {
      return generate(request, r, model, Map.of(), listener, cancellation, warnings, start);
    }
    try (AdapterSessions.Lease lease = adapters.acquire(loras, embeddings)) {
      lease.warnings().forEach(warnings::warn);
      return generate(request, r, lease.model(), lease.embeddingIds(), listener, cancellation, warnings, start);
    }
  }

  private GenerationResult generate(GenerationRequest original, GenerationRequest request, LoadedModel model,
      Map<String, Map<String, int[]>> embeddingIds, ProgressListener listener, Cancellation cancellation,
      Warnings warnings, long start) {
    PromptEncoder promptEncoder = PromptEncoder.forModel(model, embeddingIds);
    DenoiseLoop loop = new DenoiseLoop(model.denoiser(), preview);
    // 1. Check inputs; 3. timesteps (made first so that a bad scheduler or step count fails before any work)
    Settings s = Settings.check(request, model);
    RequestLimits.check(request, s.guidance());
    Guidance guidance = Guidance.choose(model, s.guidance());
    budget.check(s.width(), s.height(), request.numImages(), guidance.needsUnconditional(),
        request.vaeTiling() != VaeTiling.OFF);
    aspect(warnings, "init image", request.initImage(), s);
    aspect(warnings, "mask", request.mask(), s);
    Scheduler scheduler = scheduler(s, request.mask() != null);
    InitialLatents initialLatents = InitialLatents.forRequest(request, s, model);
    // 2. Encode the prompt (with the negative prompt under classifier-free guidance)
    Conditioning cond = guidance.condition(promptEncoder.encode(request, s, guidance.needsUnconditional(), warnings));
    // 4. Initial latents
    NoiseSource noise = noise(request, s);
    InitialLatents.Start init = initialLatents.prepare(scheduler, s.steps(), noise);
    // 5. Denoising loop
    FloatTensor latents = loop.run(scheduler, init, cond, guidance, new StepContext(noise, request.eta()), listener,
        cancellation);
    // 6. Decode
    List<GeneratedImage> images = decoder.decode(latents, original, s);
    return new GenerationResult(images, warnings.list(), (System.nanoTime() - start) / 1_000_000);
  }

  private static void aspect(Warnings warnings, String what, java.awt.image.BufferedImage image, Settings s) {
    String w = image == null ? null : Images.aspectWarning(what, image, s.width(), s.height());
    if (w != null) {
      warnings.warn(w);
    }
  }

  /** The estimated memory of a request of this size, in bytes (what the budget is compared with). */
  public long estimateMemory(int width, int height, int images, boolean guided) {
    return budget.estimate(width, height, images, guided);
  }

  /** One noise source for the batch, or one per image when the request gives per-image seeds. */
  private NoiseSource noise(GenerationRequest request, Settings s) {
    if (s.seeds().isEmpty()) {
      return noiseFactory.create(request.noise(), s.seed());
    }
    List<NoiseSource> perImage = new ArrayList<>();
    for (long seed : s.seeds()) {
      perImage.add(noiseFactory.create(request.noise(), seed));
    }
    return new PerImageNoise(perImage);
  }

  /** A fresh scheduler of the settings' kind with its timesteps set. */
  private Scheduler scheduler(Settings s, boolean inpainting) {
    Scheduler scheduler = schedulers.create(s.schedulerName(), model.pipelineSchedulerConfig(inpainting));
    if (s.steps() > scheduler.numTrainTimesteps()) {
      throw new InvalidRequestException("steps", "steps must be <= " + scheduler.numTrainTimesteps()
          + " (the scheduler's num_train_timesteps), got " + s.steps());
    }
    try {
      scheduler.setTimesteps(s.steps());
    } catch (IllegalArgumentException e) {
      throw new InvalidRequestException("steps", e.getMessage(), e);
    }
    return scheduler;
  }

  /**
   * Stops new generations (they fail with {@code IllegalStateException("pipeline is closed")}),
   * cancels running ones and waits for them to stop (within one step each), then closes the
   * model's sessions and releases the plugins. Safe to call at any time and from any thread,
   * including a progress listener (the release then happens when that run ends); a second call
   * does nothing.
   */
  @Override
  public void close() {
    lifecycle.close();
  }

  private void release() {
    try {
      if (adapters != null) {
        adapters.close();
      }
      model.close();
    } finally {
      if (onClose != null) {
        try {
          onClose.close();
        } catch (Exception e) {
          throw new DiffusionException("Could not release plugins: " + e.getMessage(), e);
        }
      }
    }
  }
}
