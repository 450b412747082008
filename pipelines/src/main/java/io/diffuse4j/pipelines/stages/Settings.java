package io.diffuse4j.pipelines.stages;

import io.diffuse4j.api.pipeline.GenerationRequest;
import io.diffuse4j.api.pipeline.InvalidRequestException;
import io.diffuse4j.api.pipeline.ModelInfo;
import io.diffuse4j.pipelines.model.LoadedModel;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A request's settings with the model's defaults filled in and checked against the model: the
 * "check inputs" stage of diffusers' pipelines.
 *
 * @param steps denoising steps
 * @param guidance guidance scale
 * @param width image width in pixels
 * @param height image height in pixels
 * @param schedulerName the scheduler to create
 * @param seed the request's seed, or a random one (below 2^32, like the seeds people type) when it has none
 * @param seeds the request's per-image seeds, or empty (all images from {@code seed})
 */
public record Settings(int steps, double guidance, int width, int height, String schedulerName, long seed,
    List<Long> seeds) {

  /** The seed image {@code k} was made with (its own, or the batch's one). */
  public long seedOf(int k) {
    return seeds.isEmpty() ? seed : seeds.get(k);
  }


  /**
   * The request's settings on {@code model}; refuses sizes the model cannot make and inputs that
   * do not fit its U-Net (an inpainting U-Net needs an init image and a mask).
   */
  public static Settings check(GenerationRequest r, LoadedModel model) {
    ModelInfo info = model.info();
    int steps = r.steps() != null ? r.steps() : info.defaultSteps();
    double guidance = r.guidanceScale() != null ? r.guidanceScale() : info.defaultGuidance();
    int width = r.width() != null ? r.width() : info.defaultWidth();
    int height = r.height() != null ? r.height() : info.defaultHeight();
    int m = info.sizeMultiple();
    if (width % m != 0 || height % m != 0) {
      throw new InvalidRequestException(width % m != 0 ? "width" : "height", "width and height must be multiples of " + m + " for this model (VAE factor "
          + model.vaeDecoder().scaleFactor() + " x U-Net downsampling " + model.denoiser().info().downsampleFactor()
          + "), got " + width + "x" + height + "; try " + roundTo(width, m) + "x" + roundTo(height, m));
    }
    String name = r.scheduler() != null ? r.scheduler() : info.defaultScheduler();
    checkImageInputs(r, model);
    long seed = r.seed() != null ? r.seed() : ThreadLocalRandom.current().nextLong(1L << 32);
    return new Settings(steps, guidance, width, height, name, seed, r.seeds());
  }

  private static void checkImageInputs(GenerationRequest r, LoadedModel model) {
    int unetChannels = model.denoiser().info().inChannels();
    boolean inpaintingUnet = unetChannels != model.vaeDecoder().latentChannels();
    if (r.initImage() == null && r.mask() != null) {
      throw new InvalidRequestException("mask", "A mask needs an init image: set initImage as well as mask");
    }
    if (r.initImage() == null && inpaintingUnet) {
      throw new InvalidRequestException("initImage", "This model's U-Net is an inpainting U-Net (" + unetChannels
          + " input channels): set an initImage and a mask");
    }
    if (r.initImage() != null && r.mask() == null && inpaintingUnet) {
      throw new InvalidRequestException("mask", "This model's U-Net is an inpainting U-Net (" + unetChannels
          + " input channels): set a mask with the initImage");
    }
  }

  private static int roundTo(int v, int m) {
    return Math.max(m, Math.round(v / (float) m) * m);
  }
}
