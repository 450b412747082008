package io.diffuse4j.api.noise;

import io.diffuse4j.api.tensor.FloatTensor;

/**
 * A seeded stream of standard-normal tensors. Successive calls continue the same stream, the
 * way successive {@code torch.randn(..., generator=g)} calls continue one generator, so the
 * pipeline's first draw (initial latents) and a scheduler's later draws (inside {@code step})
 * come from one seed as they do in diffusers.
 *
 * <p>Not thread-safe: one source per generation.
 */
public interface NoiseSource {

  /** The next standard-normal tensor of the given shape, in row-major order. */
  FloatTensor randn(int... shape);
}
