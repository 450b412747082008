package io.diffuse4j.api.pipeline;

/**
 * Whether the VAE decodes (and encodes) the image in overlapping tiles blended at the seams, as
 * diffusers' {@code enable_vae_tiling}: memory then stays bounded by one tile whatever the image
 * size, at the cost of a little time and of small differences near the seams.
 *
 * <pre>{@code
 * GenerationRequest.builder("a castle").size(2048, 2048).vaeTiling(VaeTiling.ON).build();
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public enum VaeTiling {
  /** Tiles when the untiled pass would need more memory than the pipeline's budget (the default). */
  AUTO,
  /** Always tiles images larger than one tile. */
  ON,
  /** Never tiles. */
  OFF
}
