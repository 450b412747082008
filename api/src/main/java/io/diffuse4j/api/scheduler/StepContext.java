package io.diffuse4j.api.scheduler;

import io.diffuse4j.api.noise.NoiseSource;

/**
 * What a scheduler's {@code step} may draw on besides the model output and the sample: the
 * request's noise source (ancestral and stochastic schedulers draw from it, in the order
 * diffusers does) and per-step options.
 *
 * @param noise the request's noise source; the same one the initial latents came from
 * @param eta DDIM's eta (weight of noise in the update; 0 = deterministic); other schedulers ignore it
 */
public record StepContext(NoiseSource noise, double eta) {

  /** A context with eta 0. */
  public static StepContext of(NoiseSource noise) {
    return new StepContext(noise, 0.0);
  }
}
