package io.diffuse4j.api.model;

import io.diffuse4j.api.tensor.FloatTensor;

/**
 * Encodes images in [-1, 1] ({@code [batch, 3, H, W]}) into a latent distribution.
 * Holds native memory: close it.
 */
public interface VaeEncoder extends AutoCloseable {

  /** Encodes a batch of images. */
  LatentDistribution encode(FloatTensor images);

  @Override
  void close();
}
