package io.diffuse4j.api.model;

import io.diffuse4j.api.tensor.FloatTensor;

/**
 * The conditional U-Net: predicts the noise (or v, or x0) of a latent sample at a timestep.
 * It only computes: the loop, the scheduler and the guidance belong to the pipeline.
 * Holds native memory: close it. Thread-safe for concurrent calls.
 */
public interface Denoiser extends AutoCloseable {

  /** What the model declares. */
  DenoiserInfo info();

  /**
   * One evaluation. {@code sample} is {@code [batch, inChannels, h, w]}; the batch may exceed
   * {@link DenoiserInfo#maxBatch()}, in which case the implementation splits it.
   */
  FloatTensor predict(FloatTensor sample, double timestep, Conditioning conditioning);

  @Override
  void close();
}
