package io.diffuse4j.api.pipeline;

import io.diffuse4j.api.noise.NoiseKind;
import java.awt.image.BufferedImage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What to generate. Build with {@link #builder(String)}; fields left unset take the model's
 * defaults (its default size, steps, guidance and scheduler), decided by the pipeline. A request
 * without a seed gets a fresh random seed on every run; the seed used is in each image's
 * {@link GenerationParameters#seed()} (and written into its PNG), so any image can be made again.
 *
 * <pre>{@code
 * GenerationRequest r = GenerationRequest.builder("a red circle on a blue background")
 *     .steps(20).guidanceScale(7.5).seed(42).build();
 * }</pre>
 *
 * <p>Immutable and thread-safe (the images it refers to must not be changed while in use).
 *
 * @param prompt the text to draw
 * @param negativePrompt what to steer away from; empty for none
 * @param steps denoising steps, or null for the model's default
 * @param guidanceScale classifier-free guidance scale (&lt;= 1 disables guidance), or null for the model's default
 * @param seed the seed of the noise source, or null for a random seed chosen by each run
 * @param width image width in pixels, or null for the model's default
 * @param height image height in pixels, or null for the model's default
 * @param numImages images per prompt, each from successive draws of the one noise source
 * @param scheduler scheduler short name or diffusers class name, or null for the model's own
 * @param noise which random generator the seed drives
 * @param eta DDIM's eta
 * @param initImage image-to-image starting image, or null for text-to-image
 * @param strength how much of {@code initImage} to repaint, in [0, 1]
 * @param mask inpainting mask (white = repaint), or null
 * @param vaeTiling whether the VAE works in tiles ({@link VaeTiling#AUTO} when null)
 * @param controls LoRA adapters, textual inversions, clip skip and caller-supplied embeddings
 *     ({@link PromptControls#NONE} when null)
 * @param timeout how long the run may take before it stops (within one step) with
 *     {@link GenerationCancelledException}, or null for no limit
 * @param seeds one seed per image (diffusers' list of generators: image k is the image the same request
 *     makes alone with seed k), or empty to draw every image from {@code seed}'s one noise source
 */
public record GenerationRequest(
    String prompt,
    String negativePrompt,
    Integer steps,
    Double guidanceScale,
    Long seed,
    Integer width,
    Integer height,
    int numImages,
    String scheduler,
    NoiseKind noise,
    double eta,
    BufferedImage initImage,
    double strength,
    BufferedImage mask,
    VaeTiling vaeTiling,
    PromptControls controls,
    Duration timeout,
    List<Long> seeds) {

  /** Checks the fields that need no model to check. */
  public GenerationRequest {
    Objects.requireNonNull(prompt, "prompt");
    negativePrompt = negativePrompt == null ? "" : negativePrompt;
    noise = noise == null ? NoiseKind.TORCH : noise;
    vaeTiling = vaeTiling == null ? VaeTiling.AUTO : vaeTiling;
    controls = controls == null ? PromptControls.NONE : controls;
    seeds = seeds == null ? List.of() : List.copyOf(seeds);
    if (steps != null && steps < 1) {
      throw new InvalidRequestException("steps", "steps must be >= 1, got " + steps);
    }
    if (guidanceScale != null && (guidanceScale < 0 || guidanceScale.isNaN())) {
      throw new InvalidRequestException("guidanceScale",
          "guidanceScale must be >= 0 (1 or less disables guidance), got " + guidanceScale);
    }
    if (width != null && width <= 0) {
      throw new InvalidRequestException("width", "width must be > 0, got " + width);
    }
    if (height != null && height <= 0) {
      throw new InvalidRequestException("height", "height must be > 0, got " + height);
    }
    if (numImages < 1) {
      throw new InvalidRequestException("numImages", "numImages (images per prompt) must be >= 1, got " + numImages);
    }
    if (!(strength >= 0 && strength <= 1)) {
      throw new InvalidRequestException("strength", "strength must be in [0, 1], got " + strength);
    }
    if (!seeds.isEmpty() && seeds.size() != numImages) {
      throw new InvalidRequestException("seeds", "seeds gives " + seeds.size() + " seeds for " + numImages
          + " images (numImages): give one seed per image");
    }
    if (!seeds.isEmpty() && seed != null) {
      throw new InvalidRequestException("seeds", "give either seed (one noise source for all images) or seeds"
          + " (one per image), not both");
    }
    if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
      throw new IllegalArgumentException("timeout must be positive, got " + timeout);
    }
    if (!(eta >= 0)) {
      throw new InvalidRequestException("eta", "eta must be >= 0, got " + eta);
    }
  }

  /** A builder for a prompt; everything else defaults. */
  public static Builder builder(String prompt) {
    return new Builder(prompt);
  }

  /** A builder holding this request's values. */
  public Builder toBuilder() {
    Builder b = new Builder(prompt);
    b.negativePrompt = negativePrompt;
    b.steps = steps;
    b.guidanceScale = guidanceScale;
    b.seed = seed;
    b.width = width;
    b.height = height;
    b.numImages = numImages;
    b.scheduler = scheduler;
    b.noise = noise;
    b.eta = eta;
    b.initImage = initImage;
    b.strength = strength;
    b.mask = mask;
    b.vaeTiling = vaeTiling;
    b.controls = controls;
    b.timeout = timeout;
    b.seeds = seeds;
    return b;
  }

  /** Builder of {@link GenerationRequest}. Not thread-safe. */
  public static final class Builder {
    private String prompt;
    private String negativePrompt = "";
    private Integer steps;
    private Double guidanceScale;
    private Long seed;
    private Integer width;
    private Integer height;
    private int numImages = 1;
    private String scheduler;
    private NoiseKind noise = NoiseKind.TORCH;
    private double eta = 0;
    private BufferedImage initImage;
    private double strength = 0.8;
    private BufferedImage mask;
    private VaeTiling vaeTiling = VaeTiling.AUTO;
    private PromptControls controls = PromptControls.NONE;
    private Duration timeout;
    private List<Long> seeds = List.of();

    private Builder(String prompt) {
      this.prompt = prompt;
    }

    /** The prompt. */
    public Builder prompt(String v) { this.prompt = v; return this; }
    /** Negative prompt; default empty. */
    public Builder negativePrompt(String v) { this.negativePrompt = v; return this; }
    /** Denoising steps; default: the model's. */
    public Builder steps(int v) { this.steps = v; return this; }
    /** Denoising steps, or null for the model's default. */
    public Builder steps(Integer v) { this.steps = v; return this; }
    /** Guidance scale; default: the model's. */
    public Builder guidanceScale(double v) { this.guidanceScale = v; return this; }
    /** Guidance scale, or null for the model's default. */
    public Builder guidanceScale(Double v) { this.guidanceScale = v; return this; }
    /** Seed of the noise source; default: a random seed per run (reported in the result). */
    public Builder seed(long v) { this.seed = v; this.seeds = List.of(); return this; }
    /** Seed, or null for a random seed chosen by each run (reported in the result). */
    public Builder seed(Long v) { this.seed = v; this.seeds = List.of(); return this; }
    /** Width in pixels; default: the model's. */
    public Builder width(int v) { this.width = v; return this; }
    /** Width in pixels, or null for the model's default. */
    public Builder width(Integer v) { this.width = v; return this; }
    /** Height in pixels; default: the model's. */
    public Builder height(int v) { this.height = v; return this; }
    /** Height in pixels, or null for the model's default. */
    public Builder height(Integer v) { this.height = v; return this; }
    /** Steps, guidance scale, size and scheduler back to the model's defaults. */
    public Builder modelDefaults() {
      this.steps = null;
      this.guidanceScale = null;
      this.width = null;
      this.height = null;
      this.scheduler = null;
      return this;
    }
    /** Width and height in pixels. */
    public Builder size(int w, int h) { this.width = w; this.height = h; return this; }
    /** Images per prompt; default 1. */
    public Builder numImages(int v) { this.numImages = v; return this; }
    /** Scheduler name; default: the model's. */
    public Builder scheduler(String v) { this.scheduler = v; return this; }
    /** Noise source kind; default {@link NoiseKind#TORCH}. */
    public Builder noise(NoiseKind v) { this.noise = v; return this; }
    /** DDIM eta; default 0. */
    public Builder eta(double v) { this.eta = v; return this; }
    /** Image-to-image start image; default none. */
    public Builder initImage(BufferedImage v) { this.initImage = v; return this; }
    /** Image-to-image strength; default 0.8. */
    public Builder strength(double v) { this.strength = v; return this; }
    /**
     * One seed per image, and as many images: image k is drawn from its own noise source seeded with
     * {@code seeds[k]}, so it equals the request made alone with that seed (diffusers' list of generators).
     * The batch still runs as one U-Net call per step. Replaces {@link #seed(long)}.
     */
    public Builder seeds(long... v) {
      List<Long> l = new ArrayList<>();
      for (long x : v) {
        l.add(x);
      }
      this.seeds = l;
      this.seed = null;
      this.numImages = Math.max(1, v.length);
      return this;
    }
    /** Inpainting mask (white = repaint); default none. */
    public Builder mask(BufferedImage v) { this.mask = v; return this; }
    /** Longest time the run may take (it stops within one step after it); default none. */
    public Builder timeout(Duration v) { this.timeout = v; return this; }

    /** VAE tiling; default {@link VaeTiling#AUTO} (tiles above the pipeline's memory budget). */
    public Builder vaeTiling(VaeTiling v) { this.vaeTiling = v; return this; }
    /** VAE tiling on ({@code true}) or off; see {@link #vaeTiling(VaeTiling)}. */
    public Builder vaeTiling(boolean on) { this.vaeTiling = on ? VaeTiling.ON : VaeTiling.OFF; return this; }
    // --- creative controls (LoRA, textual inversion, clip skip, caller-supplied embeddings) ---
    /** Adds a LoRA adapter ({@code .safetensors}, kohya-ss or diffusers/PEFT keys) at {@code scale}; default none. */
    public Builder lora(java.nio.file.Path file, double scale) { controls = controls.withLora(new LoraSpec(file, scale)); return this; }
    /** Adds a textual-inversion embedding; its file name (without extension) is then usable in prompts. */
    public Builder textualInversion(java.nio.file.Path file) { controls = controls.withTextualInversion(file); return this; }
    /** Clip skip (1 = the model's own layer, 2 = the one before...); default 1. */
    public Builder clipSkip(int n) { controls = controls.withClipSkip(n); return this; }
    /** Caller-computed {@code encoder_hidden_states} {@code [1, tokens, hidden]} used instead of encoding the prompts. */
    public Builder promptEmbeds(io.diffuse4j.api.tensor.FloatTensor prompt, io.diffuse4j.api.tensor.FloatTensor negative) {
      controls = controls.withEmbeds(prompt, negative, controls.pooledPromptEmbeds(), controls.negativePooledPromptEmbeds());
      return this;
    }
    /** SDXL's pooled embeddings {@code [1, dim]} to go with {@link #promptEmbeds}. */
    public Builder pooledPromptEmbeds(io.diffuse4j.api.tensor.FloatTensor pooled, io.diffuse4j.api.tensor.FloatTensor negative) {
      controls = controls.withEmbeds(controls.promptEmbeds(), controls.negativePromptEmbeds(), pooled, negative);
      return this;
    }
    /** All creative controls at once; default {@link PromptControls#NONE}. */
    public Builder controls(PromptControls v) { controls = v; return this; }

    /** The request; throws {@link InvalidRequestException} naming a bad field. */
    public GenerationRequest build() {
      return new GenerationRequest(prompt, negativePrompt, steps, guidanceScale, seed, width, height, numImages,
          scheduler, noise, eta, initImage, strength, mask, vaeTiling, controls, timeout, seeds);
    }
  }
}
