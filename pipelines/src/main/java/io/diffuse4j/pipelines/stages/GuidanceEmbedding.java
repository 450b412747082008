package io.diffuse4j.pipelines.stages;

import io.diffuse4j.api.model.Conditioning;
import io.diffuse4j.api.tensor.FloatTensor;

/**
 * Guidance distilled into the U-Net (Latent Consistency Models): the scale reaches the U-Net as
 * {@code timestep_cond}, a sinusoidal embedding of {@code (w − 1) · 1000}, as diffusers'
 * {@code get_guidance_scale_embedding}; the U-Net runs once per step.
 *
 * <p>Immutable and thread-safe.
 *
 * @param scale the guidance scale {@code w}
 * @param dim the U-Net's {@code time_cond_proj_dim}
 */
public record GuidanceEmbedding(double scale, int dim) implements Guidance {

  @Override
  public Conditioning condition(Conditioning c) {
    FloatTensor embedding = embed(scale - 1, dim, c.encoderHiddenStates().dim(0));
    return new Conditioning(c.encoderHiddenStates(), c.textEmbeds(), c.timeIds(), embedding);
  }

  /** {@code get_guidance_scale_embedding(w, dim)} repeated for {@code batch} rows. */
  static FloatTensor embed(double w, int dim, int batch) {
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
}
