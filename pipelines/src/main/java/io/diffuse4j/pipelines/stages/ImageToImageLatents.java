package io.diffuse4j.pipelines.stages;

import io.diffuse4j.api.noise.NoiseSource;
import io.diffuse4j.api.scheduler.Scheduler;
import io.diffuse4j.api.tensor.FloatTensor;
import io.diffuse4j.pipelines.image.Images;
import java.awt.image.BufferedImage;

/**
 * Image-to-image, as diffusers' {@code StableDiffusionImg2ImgPipeline} (and its SDXL twin): the
 * init image's latents noised to the first of the timesteps that {@code strength} keeps
 * ({@code get_timesteps}), at strength 1 too ({@code add_noise} at the first timestep, so the image
 * still shows through); strength 0 runs no step. For latent-consistency models, as
 * {@code LatentConsistencyModelImg2ImgPipeline}: the scheduler picks its timesteps from the strength
 * ({@code Scheduler.setTimesteps(n, strength)}) and all of them run. Thread-safe when the VAE is.
 */
public final class ImageToImageLatents implements InitialLatents {

  private final BufferedImage initImage;
  private final double strength;
  private final Settings settings;
  private final LatentShape shape;
  private final ImageLatents vae;
  private final boolean strengthSchedule;

  /** Image-to-image from {@code initImage} (resized to the settings' size) at {@code strength}. */
  public ImageToImageLatents(BufferedImage initImage, double strength, Settings settings, LatentShape shape,
      ImageLatents vae) {
    this(initImage, strength, settings, shape, vae, false);
  }

  /**
   * As above; with {@code strengthSchedule} (latent-consistency models) an {@code LCMScheduler}'s
   * timesteps are set from the strength ({@code Scheduler.setTimesteps(n, strength)}) instead of cut by it.
   */
  public ImageToImageLatents(BufferedImage initImage, double strength, Settings settings, LatentShape shape,
      ImageLatents vae, boolean strengthSchedule) {
    this.initImage = initImage;
    this.strength = strength;
    this.settings = settings;
    this.shape = shape;
    this.vae = vae;
    this.strengthSchedule = strengthSchedule;
  }

  /**
   * The noised init image and what inpainting builds on.
   *
   * @param image the init image as a {@code [1, 3, H, W]} tensor in {@code [-1, 1]}
   * @param imageLatents its latents, repeated for the batch
   * @param noise the noise added to them
   * @param timesteps the timesteps to run
   * @param latents the starting latents
   */
  record Noised(FloatTensor image, FloatTensor imageLatents, FloatTensor noise, double[] timesteps,
      FloatTensor latents) {}

  @Override
  public Start prepare(Scheduler scheduler, int steps, NoiseSource noise) {
    Noised x = noised(scheduler, steps, noise);
    return new Start(x.timesteps(), x.latents(), Inpainting.NONE);
  }

  Noised noised(Scheduler scheduler, int steps, NoiseSource noise) {
    double[] timesteps;
    if (strengthSchedule && "LCMScheduler".equals(scheduler.config().className())) {
      scheduler.setTimesteps(steps, strength); // LatentConsistencyModelImg2ImgPipeline: no get_timesteps cut
      scheduler.setBeginIndex(0);
      timesteps = scheduler.timesteps();
    } else {
      timesteps = Img2ImgTimesteps.select(scheduler, steps, strength);
    }
    return noised(scheduler, timesteps, noise, true, false);
  }

  /**
   * The inpainting pipelines' start ({@code StableDiffusionInpaintPipeline.prepare_latents}): pure
   * noise times the scheduler's initial sigma at strength 1, else as image-to-image; with
   * {@code encodeInit} false (inpainting U-Nets at strength 1) the init image is not encoded and
   * draws no noise; its latents are then null.
   */
  Noised noisedForInpainting(Scheduler scheduler, int steps, NoiseSource noise, boolean encodeInit) {
    return noised(scheduler, Img2ImgTimesteps.select(scheduler, steps, strength), noise, encodeInit, true);
  }

  private Noised noised(Scheduler scheduler, double[] timesteps, NoiseSource noise, boolean encodeInit,
      boolean pureNoiseAtFullStrength) {
    FloatTensor image = Images.toTensor(initImage, settings.width(), settings.height());
    if (!encodeInit && strength < 1.0) {
      throw new IllegalArgumentException("the init image is needed below strength 1");
    }
    FloatTensor imageLatents = encodeInit ? PerImageNoise.eachImage(noise, shape.batch(), n -> vae.encode(image, n)) : null;
    FloatTensor fresh = shape.randn(noise);
    FloatTensor latents;
    if (timesteps.length == 0) {
      latents = imageLatents; // strength 0: nothing to denoise
    } else if (pureNoiseAtFullStrength && strength >= 1.0) {
      latents = Tensors.scale(fresh, scheduler.initNoiseSigma());
    } else {
      latents = scheduler.addNoise(imageLatents, fresh, timesteps[0]);
    }
    return new Noised(image, imageLatents, fresh, timesteps, latents);
  }

  /** The strength. */
  double strength() {
    return strength;
  }

  /** The settings (for the mask's size). */
  Settings settings() {
    return settings;
  }

  /** The latent shape. */
  LatentShape shape() {
    return shape;
  }

  /** The VAE encoder. */
  ImageLatents vae() {
    return vae;
  }
}
