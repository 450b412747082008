package io.diffuse4j.api.model;

import io.diffuse4j.api.tensor.FloatTensor;

/**
 * The VAE encoder's diagonal Gaussian over latents (not yet multiplied by the scaling factor).
 *
 * @param mean {@code [batch, c, h, w]}
 * @param logVariance the same shape, or null when the export gives the latent sample only
 */
public record LatentDistribution(FloatTensor mean, FloatTensor logVariance) {}
