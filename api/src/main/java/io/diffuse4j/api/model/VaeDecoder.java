package io.diffuse4j.api.model;

import io.diffuse4j.api.tensor.FloatTensor;

/**
 * Decodes latents (already divided by the scaling factor) into images in [-1, 1],
 * {@code [batch, 3, h * scaleFactor, w * scaleFactor]}. Holds native memory: close it.
 */
public interface VaeDecoder extends AutoCloseable {

  /** Latent channels the decoder reads (4 for SD). */
  int latentChannels();

  /** Image pixels per latent pixel (8 for SD). */
  int scaleFactor();

  /** The factor latents are multiplied by after encoding (0.18215 for SD 1.x). */
  double scalingFactor();

  /** Decodes a batch of latents. */
  FloatTensor decode(FloatTensor latents);

  @Override
  void close();
}
