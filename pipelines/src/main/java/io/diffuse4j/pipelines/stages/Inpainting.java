package io.diffuse4j.pipelines.stages;

import io.diffuse4j.api.scheduler.Scheduler;
import io.diffuse4j.api.tensor.FloatTensor;

/**
 * What the denoise loop does for a mask: an inpainting U-Net gets the mask and the masked
 * image's latents as extra input channels ({@link MaskedImageChannels}); an ordinary U-Net gets
 * the known region blended back after every step ({@link KnownRegionBlend}); without a mask,
 * {@link #NONE}.
 *
 * <p>Implementations are immutable and thread-safe.
 */
public interface Inpainting {

  /** No mask. */
  Inpainting NONE = new Inpainting() {};

  /** The U-Net input for the (guidance-expanded, scheduler-scaled) latent input {@code x}. */
  default FloatTensor modelInput(FloatTensor x, Guidance guidance) {
    return x;
  }

  /** The latents after step {@code i} of {@code timesteps}. */
  default FloatTensor afterStep(Scheduler scheduler, FloatTensor latents, double[] timesteps, int i) {
    return latents;
  }

  /**
   * Inpainting U-Nets ({@code 2c + 1} input channels): {@code cat([x, mask, masked_image_latents], dim=1)},
   * as diffusers' {@code StableDiffusionInpaintPipeline}.
   *
   * @param mask the latent-size mask {@code [batch, 1, h, w]}
   * @param maskedImageLatents the masked image's latents {@code [batch, c, h, w]}
   */
  record MaskedImageChannels(FloatTensor mask, FloatTensor maskedImageLatents) implements Inpainting {
    @Override
    public FloatTensor modelInput(FloatTensor x, Guidance guidance) {
      return Tensors.concatChannels(x, guidance.expand(mask), guidance.expand(maskedImageLatents));
    }
  }

  /**
   * Ordinary U-Nets: after each step the unmasked region is replaced by the init image's latents
   * noised to the next timestep ({@code (1 − mask) · known + mask · latents}).
   *
   * @param mask the latent-size mask {@code [batch, 1, h, w]}, 1 where to paint
   * @param imageLatents the init image's latents
   * @param noise the noise the init latents were noised with
   */
  record KnownRegionBlend(FloatTensor mask, FloatTensor imageLatents, FloatTensor noise) implements Inpainting {
    @Override
    public FloatTensor afterStep(Scheduler scheduler, FloatTensor latents, double[] timesteps, int i) {
      FloatTensor known = i + 1 < timesteps.length
          ? scheduler.addNoise(imageLatents, noise, timesteps[i + 1]) : imageLatents;
      float[] out = latents.data().clone();
      float[] m = mask.data();
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
  }
}
