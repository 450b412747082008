package io.diffuse4j.pipelines.stages;

import io.diffuse4j.api.noise.NoiseSource;
import io.diffuse4j.api.scheduler.Scheduler;

/**
 * Text-to-image: pure noise scaled by the scheduler's {@code init_noise_sigma}, all timesteps,
 * as diffusers' {@code prepare_latents}. Immutable and thread-safe.
 *
 * @param shape the latent batch's shape
 */
public record TextToImageLatents(LatentShape shape) implements InitialLatents {

  @Override
  public Start prepare(Scheduler scheduler, int steps, NoiseSource noise) {
    return new Start(scheduler.timesteps(), Tensors.scale(shape.randn(noise), scheduler.initNoiseSigma()),
        Inpainting.NONE);
  }
}
