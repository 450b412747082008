package io.diffuse4j.api.pipeline;

import io.diffuse4j.api.noise.NoiseKind;

/**
 * The settings an image was actually made with, defaults resolved: written into the PNG so an
 * image can be reproduced from its file.
 *
 * @param prompt the prompt
 * @param negativePrompt the negative prompt (may be empty)
 * @param seed the seed
 * @param steps denoising steps
 * @param guidanceScale guidance scale
 * @param scheduler the scheduler's short name
 * @param model the model's name (its folder name or {@code bundled})
 * @param width width in pixels
 * @param height height in pixels
 * @param noise the noise source kind
 * @param imageIndex which of the request's images this is (0-based)
 * @param strength image-to-image strength, or NaN for text-to-image
 */
public record GenerationParameters(String prompt, String negativePrompt, long seed, int steps, double guidanceScale,
    String scheduler, String model, int width, int height, NoiseKind noise, int imageIndex, double strength) {}
