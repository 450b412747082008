package io.diffuse4j.api.model;

import io.diffuse4j.api.tensor.FloatTensor;

/**
 * Everything the denoiser is conditioned on besides the sample and the timestep, batched like
 * the sample.
 *
 * @param encoderHiddenStates {@code [batch, tokens, hidden]}
 * @param textEmbeds SDXL's pooled {@code text_embeds} {@code [batch, dim]}, or null
 * @param timeIds SDXL's {@code time_ids} {@code [batch, 6]}, or null
 * @param timestepCond LCM's guidance embedding {@code [batch, dim]}, or null
 */
public record Conditioning(FloatTensor encoderHiddenStates, FloatTensor textEmbeds, FloatTensor timeIds,
    FloatTensor timestepCond) {

  /** Conditioning by text hidden states only (SD 1.x / 2.x). */
  public static Conditioning of(FloatTensor encoderHiddenStates) {
    return new Conditioning(encoderHiddenStates, null, null, null);
  }
}
