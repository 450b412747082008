package io.diffuse4j.pipelines.stages;

import io.diffuse4j.api.model.Conditioning;
import io.diffuse4j.api.tensor.FloatTensor;
import io.diffuse4j.pipelines.model.LoadedModel;

/**
 * How the guidance scale steers the denoiser, as diffusers' pipelines decide it:
 * {@linkplain ClassifierFreeGuidance classifier-free} (the U-Net runs on unconditional and
 * conditional inputs and the two predictions are combined), an {@linkplain GuidanceEmbedding
 * embedding} of the scale given to U-Nets distilled with one (LCM), or {@linkplain #NONE none}.
 *
 * <p>Implementations are immutable and thread-safe.
 */
public interface Guidance {

  /** No guidance: one U-Net pass on the conditional input. */
  Guidance NONE = new Guidance() {};

  /**
   * The guidance for {@code scale} on {@code model}, as diffusers: a U-Net with a
   * {@code timestep_cond} input gets the scale embedded; otherwise classifier-free guidance when
   * {@code scale > 1} and the family was not distilled to run without it; else none.
   */
  static Guidance choose(LoadedModel model, double scale) {
    int condDim = model.denoiser().info().timestepCondDim();
    if (condDim > 0) {
      return new GuidanceEmbedding(scale, condDim);
    }
    if (scale > 1.0 && !model.family().guidanceDistilled()) {
      return new ClassifierFreeGuidance(scale);
    }
    return NONE;
  }

  /** Whether the prompt encoder must also encode the negative (unconditional) prompt. */
  default boolean needsUnconditional() {
    return false;
  }

  /** Adds what this guidance gives the U-Net besides the text (batched like the U-Net input). */
  default Conditioning condition(Conditioning textConditioning) {
    return textConditioning;
  }

  /** The U-Net input batch for a latent batch (both halves of classifier-free guidance). */
  default FloatTensor expand(FloatTensor latents) {
    return latents;
  }

  /** The noise prediction for the latent batch from the U-Net's output on {@link #expand}'s batch. */
  default FloatTensor combine(FloatTensor prediction) {
    return prediction;
  }
}
