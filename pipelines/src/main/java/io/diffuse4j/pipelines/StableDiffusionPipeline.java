package io.diffuse4j.pipelines;

import io.diffuse4j.api.model.Conditioning;
import io.diffuse4j.api.model.DenoiserInfo;
import io.diffuse4j.api.model.LatentDistribution;
import io.diffuse4j.api.model.TextEmbeddings;
import io.diffuse4j.api.model.TextEncoder;
import io.diffuse4j.api.model.TokenizedPrompt;
import io.diffuse4j.api.model.VaeEncoder;
import io.diffuse4j.api.noise.NoiseSource;
import io.diffuse4j.api.noise.NoiseSourceFactory;
import io.diffuse4j.api.pipeline.Cancellation;
import io.diffuse4j.api.pipeline.DiffusionException;
import io.diffuse4j.api.pipeline.DiffusionPipeline;
import io.diffuse4j.api.pipeline.GeneratedImage;
import io.diffuse4j.api.pipeline.GenerationCancelledException;
import io.diffuse4j.api.pipeline.GenerationParameters;
import io.diffuse4j.api.pipeline.GenerationRequest;
import io.diffuse4j.api.pipeline.GenerationResult;
import io.diffuse4j.api.pipeline.ModelInfo;
import io.diffuse4j.api.pipeline.ProgressListener;
import io.diffuse4j.api.pipeline.StepEvent;
import io.diffuse4j.api.scheduler.Scheduler;
import io.diffuse4j.api.scheduler.StepContext;
import io.diffuse4j.api.tensor.FloatTensor;
import io.diffuse4j.pipelines.image.Images;
import io.diffuse4j.pipelines.model.LoadedModel;
import io.diffuse4j.schedulers.Img2ImgTimesteps;
import io.diffuse4j.schedulers.Schedulers;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Stable Diffusion in latent space, the way diffusers' pipelines run it: check inputs, encode
 * the prompt, set timesteps, prepare latents, denoise with classifier-free guidance, decode.
 * Text-to-image by default; image-to-image when the request has an init image; inpainting when
 * it also has a mask (9-channel inpainting U-Nets get mask and masked-image latents as input,
 * ordinary U-Nets get the known region blended back at every step).
 *
 * <p>Thread-safe: each call builds its own scheduler and noise source; the sessions are shared.
 * Closing the pipeline closes the model's sessions.
 */
public final class StableDiffusionPipeline implements DiffusionPipeline {

  private final LoadedModel model;
  private final Schedulers schedulers;
  private final NoiseSourceFactory noiseFactory;
  private final LatentPreview preview;
  private final AutoCloseable onClose;

  /**
   * A pipeline over an opened model.
   *
   * @param onClose closed after the model (e.g. plugin class loaders), may be null
   */
  public StableDiffusionPipeline(LoadedModel model, Schedulers schedulers, NoiseSourceFactory noiseFactory,
      LatentPreview preview, AutoCloseable onClose) {
    this.model = model;
    this.schedulers = schedulers;
    this.noiseFactory = noiseFactory;
    this.preview = preview;
    this.onClose = onClose;
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

  /** Settings with the model's defaults filled in and checked against the model. */
  private record Settings(int steps, double guidance, int width, int height, String schedulerName) {}

  @Override
  public GenerationResult generate(GenerationRequest request, ProgressListener listener, Cancellation cancellation) {
    long start = System.nanoTime();
    List<String> warnings = new ArrayList<>();
    Settings s = resolve(request);
    Scheduler scheduler = schedulers.create(s.schedulerName(), model.schedulerConfig());
    if (s.steps() > scheduler.numTrainTimesteps()) {
      throw new IllegalArgumentException("steps must be <= " + scheduler.numTrainTimesteps()
          + " (the scheduler's num_train_timesteps), got " + s.steps());
    }
    scheduler.setTimesteps(s.steps());
    boolean guided = s.guidance() > 1.0 && model.info().family().indexOf("lcm") < 0;
    int n = request.numImages();

    Conditioning cond = encodePrompt(request, guided, n, s, warnings, listener);
    NoiseSource noise = noiseFactory.create(request.noise(), request.seed());
    DenoiserInfo unet = model.denoiser().info();
    int c = model.vaeDecoder().latentChannels();
    int h = s.height() / model.vaeDecoder().scaleFactor();
    int w = s.width() / model.vaeDecoder().scaleFactor();

    // Timesteps and starting latents: pure noise, or a noised init image (image-to-image).
    double[] timesteps = scheduler.timesteps();
    FloatTensor latents;
    Inpaint inpaint = null;
    if (request.initImage() == null) {
      if (request.mask() != null) {
        throw new IllegalArgumentException("A mask needs an init image: give --init-image with --mask");
      }
      latents = scale(noise.randn(n, c, h, w), scheduler.initNoiseSigma());
    } else {
      FloatTensor image = Images.toTensor(request.initImage(), s.width(), s.height());
      FloatTensor imageLatents = repeat(encodeImage(image, noise), n);
      boolean inpaintUnet = unet.inChannels() == 2 * c + 1;
      double strength = request.strength();
      timesteps = Img2ImgTimesteps.select(scheduler, s.steps(), strength);
      FloatTensor fresh = noise.randn(n, c, h, w);
      if (timesteps.length == 0) {
        latents = imageLatents; // strength 0: nothing to denoise
      } else if (strength >= 1.0) {
        latents = scale(fresh, scheduler.initNoiseSigma());
      } else {
        latents = scheduler.addNoise(imageLatents, fresh, timesteps[0]);
      }
      if (request.mask() != null) {
        FloatTensor mask = Images.maskToTensor(request.mask(), s.width(), s.height());
        inpaint = new Inpaint(downsampleMask(mask, h, w, n), imageLatents, fresh,
            inpaintUnet ? repeat(maskedImageLatents(image, mask, noise), n) : null);
      } else if (inpaintUnet) {
        throw new IllegalArgumentException("This model's U-Net is an inpainting U-Net (" + unet.inChannels()
            + " input channels): give a --mask with the --init-image");
      }
    }
    if (request.initImage() == null && unet.inChannels() != c) {
      throw new IllegalArgumentException("This model's U-Net is an inpainting U-Net (" + unet.inChannels()
          + " input channels): give an --init-image and a --mask");
    }

    StepContext ctx = new StepContext(noise, request.eta());
    for (int i = 0; i < timesteps.length; i++) {
      if (cancellation.isCancelled()) {
        throw new GenerationCancelledException(i);
      }
      double t = timesteps[i];
      latents = denoiseStep(scheduler, latents, t, cond, guided, s.guidance(), inpaint, ctx);
      if (inpaint != null && inpaint.maskedImageLatents() == null) {
        latents = blendKnownRegion(scheduler, latents, inpaint, timesteps, i);
      }
      int bad = latents.firstNonFinite();
      if (bad >= 0) {
        throw new DiffusionException("The latents became " + latents.data()[bad] + " (NaN or infinite) at step "
            + (i + 1) + " of " + timesteps.length + " (timestep " + t + "); the model or scheduler settings broke down."
            + " With fp16 models try an fp32 VAE/U-Net; else try another scheduler or fewer steps.");
      }
      BufferedImage pv = listener.wantsPreviews() ? preview.render(latents, 0) : null;
      listener.onStep(new StepEvent(i, timesteps.length, t, latents, pv));
    }
    if (cancellation.isCancelled()) {
      throw new GenerationCancelledException(timesteps.length);
    }
    List<GeneratedImage> images = decode(latents, request, s);
    return new GenerationResult(images, List.copyOf(warnings), (System.nanoTime() - start) / 1_000_000);
  }

  /** What inpainting needs at every step. */
  private record Inpaint(FloatTensor mask, FloatTensor imageLatents, FloatTensor noise, FloatTensor maskedImageLatents) {}

  private FloatTensor denoiseStep(Scheduler scheduler, FloatTensor latents, double t, Conditioning cond,
      boolean guided, double guidance, Inpaint inpaint, StepContext ctx) {
    FloatTensor x = guided ? FloatTensor.concat(latents, latents) : latents;
    x = scheduler.scaleModelInput(x, t);
    if (inpaint != null && inpaint.maskedImageLatents() != null) {
      FloatTensor m = guided ? FloatTensor.concat(inpaint.mask(), inpaint.mask()) : inpaint.mask();
      FloatTensor mi = guided ? FloatTensor.concat(inpaint.maskedImageLatents(), inpaint.maskedImageLatents())
          : inpaint.maskedImageLatents();
      x = concatChannels(x, m, mi);
    }
    FloatTensor out = model.denoiser().predict(x, t, cond);
    if (guided) {
      int half = out.size() / 2;
      float[] d = out.data();
      float[] g = new float[half];
      float gs = (float) guidance;
      for (int k = 0; k < half; k++) {
        float u = d[k];
        g[k] = u + gs * (d[half + k] - u);
      }
      int[] shape = out.shape().clone();
      shape[0] /= 2;
      out = new FloatTensor(shape, g);
    }
    return scheduler.step(out, t, latents, ctx);
  }

  /** Legacy inpainting for ordinary U-Nets: keep the known region at the current noise level. */
  private static FloatTensor blendKnownRegion(Scheduler scheduler, FloatTensor latents, Inpaint in,
      double[] timesteps, int i) {
    FloatTensor known = i + 1 < timesteps.length
        ? scheduler.addNoise(in.imageLatents(), in.noise(), timesteps[i + 1]) : in.imageLatents();
    float[] out = latents.data().clone();
    float[] m = in.mask().data();
    float[] k = known.data();
    int plane = latents.dim(2) * latents.dim(3);
    int ch = latents.dim(1);
    for (int idx = 0; idx < out.length; idx++) {
      int b = idx / (ch * plane);
      float mv = m[b * plane + idx % plane];
      out[idx] = (1 - mv) * k[idx] + mv * out[idx];
    }
    return latents.withData(out);
  }

  private Settings resolve(GenerationRequest r) {
    ModelInfo info = model.info();
    int steps = r.steps() != null ? r.steps() : info.defaultSteps();
    double guidance = r.guidanceScale() != null ? r.guidanceScale() : info.defaultGuidance();
    int width = r.width() != null ? r.width() : info.defaultWidth();
    int height = r.height() != null ? r.height() : info.defaultHeight();
    int m = info.sizeMultiple();
    if (width % m != 0 || height % m != 0) {
      throw new IllegalArgumentException("width and height must be multiples of " + m + " for this model (VAE factor "
          + model.vaeDecoder().scaleFactor() + " x U-Net downsampling " + model.denoiser().info().downsampleFactor()
          + "), got " + width + "x" + height + "; try " + roundTo(width, m) + "x" + roundTo(height, m));
    }
    String name = r.scheduler() != null ? r.scheduler() : info.defaultScheduler();
    return new Settings(steps, guidance, width, height, name);
  }

  private static int roundTo(int v, int m) {
    return Math.max(m, Math.round(v / (float) m) * m);
  }

  private Conditioning encodePrompt(GenerationRequest r, boolean guided, int n, Settings s, List<String> warnings,
      ProgressListener listener) {
    TextEncoder te = model.textEncoder();
    TokenizedPrompt p = tokenize(te, r.prompt(), "prompt", warnings, listener);
    TokenizedPrompt neg = guided ? tokenize(te, r.negativePrompt(), "negative prompt", warnings, listener) : null;
    if (model.textEncoder2() == null) {
      FloatTensor hidden = te.encode(List.of(p)).hiddenStates();
      FloatTensor cond = repeat(hidden, n);
      FloatTensor all = guided ? FloatTensor.concat(repeat(te.encode(List.of(neg)).hiddenStates(), n), cond) : cond;
      FloatTensor timestepCond = null;
      int condDim = model.denoiser().info().timestepCondDim();
      if (condDim > 0) {
        timestepCond = guidanceEmbedding(s.guidance() - 1, condDim, all.dim(0));
      }
      return new Conditioning(all, null, null, timestepCond);
    }
    return encodeXl(r, guided, n, s, p, neg, warnings, listener);
  }

  private Conditioning encodeXl(GenerationRequest r, boolean guided, int n, Settings s, TokenizedPrompt p,
      TokenizedPrompt neg, List<String> warnings, ProgressListener listener) {
    TextEncoder te2 = model.textEncoder2();
    TokenizedPrompt p2 = tokenize(te2, r.prompt(), "prompt", new ArrayList<>(), ProgressListener.NONE);
    TextEmbeddings a = model.textEncoder().encode(List.of(p));
    TextEmbeddings b = te2.encode(List.of(p2));
    FloatTensor hidden = concatLastDim(a.hiddenStates(), b.hiddenStates());
    FloatTensor pooled = b.pooled();
    if (pooled == null) {
      throw new DiffusionException("text_encoder_2 of " + model.folder().dir() + " has no pooled output (text_embeds),"
          + " which SDXL's U-Net needs");
    }
    FloatTensor cond = repeat(hidden, n);
    FloatTensor condPooled = repeat(pooled, n);
    float[] ids = {s.height(), s.width(), 0, 0, s.height(), s.width()};
    FloatTensor timeIds = repeat(FloatTensor.of(ids, 1, 6), guided ? 2 * n : n);
    if (!guided) {
      return new Conditioning(cond, condPooled, timeIds, null);
    }
    FloatTensor negHidden;
    FloatTensor negPooled;
    boolean zeros = r.negativePrompt().isEmpty()
        && model.folder().index().path("force_zeros_for_empty_prompt").asBoolean(true);
    if (zeros) {
      negHidden = FloatTensor.zeros(hidden.shape());
      negPooled = FloatTensor.zeros(pooled.shape());
    } else {
      TokenizedPrompt n2 = tokenize(te2, r.negativePrompt(), "negative prompt", new ArrayList<>(),
          ProgressListener.NONE);
      TextEmbeddings na = model.textEncoder().encode(List.of(neg));
      TextEmbeddings nb = te2.encode(List.of(n2));
      negHidden = concatLastDim(na.hiddenStates(), nb.hiddenStates());
      negPooled = nb.pooled();
    }
    return new Conditioning(FloatTensor.concat(repeat(negHidden, n), cond),
        FloatTensor.concat(repeat(negPooled, n), condPooled), timeIds, null);
  }

  private TokenizedPrompt tokenize(TextEncoder te, String text, String what, List<String> warnings,
      ProgressListener listener) {
    TokenizedPrompt t = te.tokenizer().tokenize(text);
    if (t.truncated()) {
      warn("The " + what + " is longer than the text encoder's " + te.tokenizer().maxLength()
          + " tokens; this part was cut off: \"" + t.droppedText() + "\"", warnings, listener);
    }
    if (model.folder().closedVocabulary() && !t.unknownWords().isEmpty()) {
      warn("The model does not know these words of the " + what + ": " + String.join(", ", t.unknownWords())
          + " (the image is still made, ignoring them)", warnings, listener);
    }
    return t;
  }

  private static void warn(String msg, List<String> warnings, ProgressListener listener) {
    warnings.add(msg);
    listener.onWarning(msg);
  }

  /** LCM's guidance-scale embedding (w * 1000, sinusoidal), as diffusers' get_guidance_scale_embedding. */
  static FloatTensor guidanceEmbedding(double w, int dim, int batch) {
    double ww = w * 1000.0;
    int half = dim / 2;
    float[] one = new float[dim];
    double scale = Math.log(10000.0) / (half - 1);
    for (int i = 0; i < half; i++) {
      float f = (float) Math.exp(i * -scale);
      float arg = (float) ww * f;
      one[i] = (float) Math.sin(arg);
      one[half + i] = (float) Math.cos(arg);
    }
    float[] all = new float[dim * batch];
    for (int b = 0; b < batch; b++) {
      System.arraycopy(one, 0, all, b * dim, dim);
    }
    return FloatTensor.of(all, batch, dim);
  }

  private FloatTensor encodeImage(FloatTensor image, NoiseSource noise) {
    VaeEncoder enc = model.vaeEncoder().orElseThrow(() -> new DiffusionException("Image-to-image needs a VAE encoder"
        + " but " + model.folder().dir() + " has no vae_encoder/model.onnx; re-export the model with its VAE encoder."));
    LatentDistribution dist = enc.encode(image);
    FloatTensor z = dist.mean();
    if (dist.logVariance() != null) {
      // Sample the latent distribution with the request's generator, as diffusers' retrieve_latents does.
      FloatTensor eps = noise.randn(z.shape());
      float[] d = z.data().clone();
      float[] lv = dist.logVariance().data();
      for (int i = 0; i < d.length; i++) {
        float logvar = Math.max(-30f, Math.min(20f, lv[i]));
        d[i] += (float) Math.exp(0.5 * logvar) * eps.data()[i];
      }
      z = z.withData(d);
    }
    return scale(z, model.vaeDecoder().scalingFactor());
  }

  private FloatTensor maskedImageLatents(FloatTensor image, FloatTensor mask, NoiseSource noise) {
    float[] d = image.data().clone();
    float[] m = mask.data();
    int plane = m.length;
    for (int i = 0; i < d.length; i++) {
      if (m[i % plane] >= 0.5f) {
        d[i] = 0f; // diffusers: masked_image = image * (mask < 0.5)
      }
    }
    return encodeImage(image.withData(d), noise);
  }

  private static FloatTensor downsampleMask(FloatTensor mask, int h, int w, int n) {
    int mh = mask.dim(2);
    int mw = mask.dim(3);
    float[] out = new float[h * w];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        // nearest, as torch.nn.functional.interpolate's default mode
        int sy = (int) Math.floor(y * (mh / (double) h));
        int sx = (int) Math.floor(x * (mw / (double) w));
        out[y * w + x] = mask.data()[sy * mw + sx] >= 0.5f ? 1f : 0f;
      }
    }
    return repeat(FloatTensor.of(out, 1, 1, h, w), n);
  }

  private List<GeneratedImage> decode(FloatTensor latents, GenerationRequest r, Settings s) {
    FloatTensor decoded = model.vaeDecoder().decode(scale(latents, 1.0 / model.vaeDecoder().scalingFactor()));
    int bad = decoded.firstNonFinite();
    if (bad >= 0) {
      throw new DiffusionException("The VAE decoder produced NaN or infinite pixels (vae_decoder/model.onnx of "
          + model.folder().dir() + "). fp16 VAEs overflow on some latents (SDXL's especially): use the fp32 VAE"
          + " decoder, or an fp16-fixed VAE export.");
    }
    List<GeneratedImage> out = new ArrayList<>();
    for (int i = 0; i < decoded.dim(0); i++) {
      GenerationParameters p = new GenerationParameters(r.prompt(), r.negativePrompt(), r.seed(), s.steps(),
          s.guidance(), s.schedulerName(), model.info().name(), s.width(), s.height(), r.noise(), i,
          r.initImage() == null ? Double.NaN : r.strength());
      out.add(new GeneratedImage(Images.toImage(decoded, i), p));
    }
    return out;
  }

  static FloatTensor scale(FloatTensor t, double f) {
    float[] d = new float[t.size()];
    float[] src = t.data();
    for (int i = 0; i < d.length; i++) {
      d[i] = (float) (src[i] * f);
    }
    return t.withData(d);
  }

  static FloatTensor repeat(FloatTensor t, int n) {
    if (n == 1) {
      return t;
    }
    FloatTensor[] parts = new FloatTensor[n];
    Arrays.fill(parts, t);
    return FloatTensor.concat(parts);
  }

  static FloatTensor concatLastDim(FloatTensor a, FloatTensor b) {
    int da = a.dim(-1);
    int db = b.dim(-1);
    int rows = a.size() / da;
    float[] out = new float[rows * (da + db)];
    for (int r = 0; r < rows; r++) {
      System.arraycopy(a.data(), r * da, out, r * (da + db), da);
      System.arraycopy(b.data(), r * db, out, r * (da + db) + da, db);
    }
    int[] shape = a.shape().clone();
    shape[shape.length - 1] = da + db;
    return new FloatTensor(shape, out);
  }

  static FloatTensor concatChannels(FloatTensor... parts) {
    int b = parts[0].dim(0);
    int plane = parts[0].dim(2) * parts[0].dim(3);
    int total = 0;
    for (FloatTensor p : parts) {
      total += p.dim(1);
    }
    float[] out = new float[b * total * plane];
    for (int i = 0; i < b; i++) {
      int off = i * total * plane;
      for (FloatTensor p : parts) {
        int len = p.dim(1) * plane;
        System.arraycopy(p.data(), i * len, out, off, len);
        off += len;
      }
    }
    return FloatTensor.of(out, b, total, parts[0].dim(2), parts[0].dim(3));
  }

  @Override
  public void close() {
    try {
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
