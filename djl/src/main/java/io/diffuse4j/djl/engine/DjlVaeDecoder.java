package io.diffuse4j.djl.engine;

import io.diffuse4j.api.model.VaeDecoder;
import io.diffuse4j.api.tensor.FloatTensor;

/**
 * A VAE decoder run by a DJL engine: {@code latent_sample} → {@code sample} in [-1, 1], one image at a
 * time as the ONNX decoder does. Thread-safe; closing it closes the model.
 */
public final class DjlVaeDecoder implements VaeDecoder {

  private final DjlPart part;
  private final int latentChannels;
  private final int scaleFactor;
  private final double scalingFactor;

  /** Wraps an opened part; {@code scalingFactor} is the latents' scaling (0.18215 for SD 1.x). */
  public DjlVaeDecoder(DjlPart part, double scalingFactor) {
    this.part = part;
    PartSpec spec = part.spec();
    int c = spec.inputs().get(0).dim(1);
    this.latentChannels = c > 0 ? c : spec.configInt("latent_channels", 4);
    this.scaleFactor = spec.configInt("scale_factor", 8);
    this.scalingFactor = scalingFactor;
  }

  @Override
  public int latentChannels() {
    return latentChannels;
  }

  @Override
  public int scaleFactor() {
    return scaleFactor;
  }

  @Override
  public double scalingFactor() {
    return scalingFactor;
  }

  @Override
  public FloatTensor decode(FloatTensor latents) {
    FloatTensor[] out = new FloatTensor[latents.dim(0)];
    for (int i = 0; i < out.length; i++) {
      out[i] = part.run(DjlPart.Feed.of(latents.slice(i))).get(0);
    }
    return FloatTensor.concat(out);
  }

  @Override
  public void close() {
    part.close();
  }
}
