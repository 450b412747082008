package io.diffuse4j.vae;

import io.diffuse4j.api.model.VaeDecoder;
import io.diffuse4j.api.tensor.FloatTensor;
import java.util.function.UnaryOperator;

/**
 * A VAE decoder that runs its network one image at a time (as diffusers' ONNX pipeline does, and as
 * fixed-batch exports need), whatever runs it (ONNX Runtime, a DJL engine): the latent geometry
 * and the batch loop are here, the network run of one image is the engine's.
 *
 * <pre>{@code
 * VaeDecoder d = new PerImageVaeDecoder(4, 8, 0.18215, latent -> part.run(latent), part);
 * }</pre>
 *
 * <p>Thread-safe when the run of one image is; closing it closes {@code resources}.
 */
public class PerImageVaeDecoder implements VaeDecoder {

  private final int latentChannels;
  private final int scaleFactor;
  private final double scalingFactor;
  private final UnaryOperator<FloatTensor> decodeOne;
  private final AutoCloseable resources;

  /**
   * The decoder's geometry.
   *
   * @param latentChannels the channels of the input latents
   * @param scaleFactor image pixels per latent pixel
   * @param scalingFactor the latent scaling factor (0.18215 for SD 1.x)
   * @param decodeOne the network: one latent {@code [1, C, h, w]} to an image {@code [1, 3, H, W]} in [-1, 1]
   * @param resources what {@link #close()} closes (the session or model)
   */
  public PerImageVaeDecoder(int latentChannels, int scaleFactor, double scalingFactor,
      UnaryOperator<FloatTensor> decodeOne, AutoCloseable resources) {
    this.latentChannels = latentChannels;
    this.scaleFactor = scaleFactor;
    this.scalingFactor = scalingFactor;
    this.decodeOne = decodeOne;
    this.resources = resources;
  }

  @Override
  public final int latentChannels() {
    return latentChannels;
  }

  @Override
  public final int scaleFactor() {
    return scaleFactor;
  }

  @Override
  public final double scalingFactor() {
    return scalingFactor;
  }

  @Override
  public final FloatTensor decode(FloatTensor latents) {
    FloatTensor[] out = new FloatTensor[latents.dim(0)];
    for (int i = 0; i < out.length; i++) {
      out[i] = decodeOne.apply(latents.slice(i));
    }
    return FloatTensor.concat(out);
  }

  @Override
  public final void close() {
    VaeResources.close(resources);
  }
}
