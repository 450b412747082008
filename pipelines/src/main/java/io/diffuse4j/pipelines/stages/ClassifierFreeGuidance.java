package io.diffuse4j.pipelines.stages;

import io.diffuse4j.api.tensor.FloatTensor;

/**
 * Classifier-free guidance (Ho &amp; Salimans 2022, <a href="https://arxiv.org/abs/2207.12598">arXiv:2207.12598</a>),
 * in the Imagen form diffusers uses: the U-Net sees {@code [uncond, cond]} and
 * {@code ε = ε_uncond + w (ε_cond − ε_uncond)}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param scale the guidance scale {@code w} (greater than 1)
 */
public record ClassifierFreeGuidance(double scale) implements Guidance {

  @Override
  public boolean needsUnconditional() {
    return true;
  }

  @Override
  public FloatTensor expand(FloatTensor latents) {
    return FloatTensor.concat(latents, latents);
  }

  @Override
  public FloatTensor combine(FloatTensor prediction) {
    int half = prediction.size() / 2;
    float[] d = prediction.data();
    float[] g = new float[half];
    float w = (float) scale;
    for (int k = 0; k < half; k++) {
      float uncond = d[k];
      g[k] = uncond + w * (d[half + k] - uncond);
    }
    int[] shape = prediction.shape().clone();
    shape[0] /= 2;
    return new FloatTensor(shape, g);
  }
}
