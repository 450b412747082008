package io.diffuse4j.pipelines.stages;

import io.diffuse4j.api.noise.NoiseSource;
import io.diffuse4j.api.scheduler.Scheduler;
import io.diffuse4j.api.tensor.FloatTensor;
import io.diffuse4j.pipelines.image.Images;
import java.awt.image.BufferedImage;

/**
 * Inpainting: image-to-image latents plus the mask (nearest-downsampled to latent size and
 * binarised at 0.5, as diffusers' mask processor), used as U-Net channels or as a blend. Thread-safe
 * when the VAE is.
 */
public final class InpaintingLatents implements InitialLatents {

  private final ImageToImageLatents img2img;
  private final BufferedImage mask;
  private final boolean inpaintingUnet;

  /**
   * Inpainting on top of {@code img2img}.
   *
   * @param mask white where to paint
   * @param inpaintingUnet whether the U-Net takes mask and masked-image channels
   */
  public InpaintingLatents(ImageToImageLatents img2img, BufferedImage mask, boolean inpaintingUnet) {
    this.img2img = img2img;
    this.mask = mask;
    this.inpaintingUnet = inpaintingUnet;
  }

  @Override
  public Start prepare(Scheduler scheduler, int steps, NoiseSource noise) {
    // diffusers' draw order: prepare_latents encodes (samples) the init image unless the U-Net takes
    // the mask channels and the strength is 1, then draws the starting noise; prepare_mask_latents
    // then samples the masked image's latents for both kinds of U-Net (a 4-channel one ignores them).
    boolean encodeInit = !(inpaintingUnet && img2img.strength() >= 1.0);
    ImageToImageLatents.Noised x = img2img.noisedForInpainting(scheduler, steps, noise, encodeInit);
    Settings s = img2img.settings();
    FloatTensor pixelMask = Images.maskToTensor(mask, s.width(), s.height());
    FloatTensor latentMask = downsample(pixelMask, img2img.shape());
    FloatTensor maskedImageLatents = PerImageNoise.eachImage(noise, img2img.shape().batch(),
        n -> img2img.vae().encodeMasked(x.image(), pixelMask, n));
    Inpainting inpainting = inpaintingUnet
        ? new Inpainting.MaskedImageChannels(latentMask, maskedImageLatents)
        : new Inpainting.KnownRegionBlend(latentMask, x.imageLatents(), x.noise());
    return new Start(x.timesteps(), x.latents(), inpainting);
  }

  private static FloatTensor downsample(FloatTensor mask, LatentShape shape) {
    int h = shape.height();
    int w = shape.width();
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
    return Tensors.repeat(FloatTensor.of(out, 1, 1, h, w), shape.batch());
  }
}
