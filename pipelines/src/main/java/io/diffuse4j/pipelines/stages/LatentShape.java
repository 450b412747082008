package io.diffuse4j.pipelines.stages;

import io.diffuse4j.api.noise.NoiseSource;
import io.diffuse4j.api.tensor.FloatTensor;
import io.diffuse4j.pipelines.model.LoadedModel;

/**
 * The shape of the latent batch {@code [batch, channels, height, width]}.
 *
 * @param batch images made at once
 * @param channels the VAE's latent channels
 * @param height latent height (pixel height / VAE scale factor)
 * @param width latent width
 */
public record LatentShape(int batch, int channels, int height, int width) {

  /** The latents of {@code batch} images of {@code settings}' size on {@code model}. */
  public static LatentShape of(LoadedModel model, Settings settings, int batch) {
    int f = model.vaeDecoder().scaleFactor();
    return new LatentShape(batch, model.vaeDecoder().latentChannels(), settings.height() / f, settings.width() / f);
  }

  /** Fresh Gaussian noise of this shape from {@code noise}. */
  public FloatTensor randn(NoiseSource noise) {
    return noise.randn(batch, channels, height, width);
  }
}
