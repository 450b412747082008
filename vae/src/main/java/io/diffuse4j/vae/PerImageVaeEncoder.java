package io.diffuse4j.vae;

import io.diffuse4j.api.model.LatentDistribution;
import io.diffuse4j.api.model.VaeEncoder;
import io.diffuse4j.api.tensor.FloatTensor;
import java.util.function.UnaryOperator;

/**
 * A VAE encoder that runs its network one image at a time, whatever runs it (ONNX Runtime, a DJL
 * engine): the network run of one image gives either the distribution's parameters (mean and log-variance
 * concatenated on channels, diffusers' {@code moments}: optimum's {@code latent_parameters}) or
 * latents taken as the mean; the batch loop and the split are here.
 *
 * <pre>{@code
 * LatentDistribution d = PerImageVaeEncoder.fromMoments(moments);   // [1, 2C, h, w] -> mean, log-variance
 * }</pre>
 *
 * <p>Thread-safe when the run of one image is; closing it closes its resources.
 */
public class PerImageVaeEncoder implements VaeEncoder {

  private final boolean parameters;
  private final UnaryOperator<FloatTensor> encodeOne;
  private final AutoCloseable resources;

  /**
   * An encoder whose network gives the distribution's parameters ({@code parameters} true) or latents.
   *
   * @param parameters whether {@code encodeOne} gives mean and log-variance concatenated on channels
   * @param encodeOne the network run on one image {@code [1, 3, H, W]} in [-1, 1]
   * @param resources what {@link #close()} closes (the session or model)
   */
  public PerImageVaeEncoder(boolean parameters, UnaryOperator<FloatTensor> encodeOne, AutoCloseable resources) {
    this.parameters = parameters;
    this.encodeOne = encodeOne;
    this.resources = resources;
  }

  @Override
  public final LatentDistribution encode(FloatTensor images) {
    FloatTensor[] means = new FloatTensor[images.dim(0)];
    FloatTensor[] logvars = new FloatTensor[images.dim(0)];
    for (int i = 0; i < means.length; i++) {
      FloatTensor out = encodeOne.apply(images.slice(i));
      if (parameters) {
        LatentDistribution d = fromMoments(out);
        means[i] = d.mean();
        logvars[i] = d.logVariance();
      } else {
        means[i] = out;
      }
    }
    return new LatentDistribution(FloatTensor.concat(means), parameters ? FloatTensor.concat(logvars) : null);
  }

  @Override
  public final void close() {
    VaeResources.close(resources);
  }

  /**
   * diffusers' {@code DiagonalGaussianDistribution(moments)} of one image: the first half of the
   * channels is the mean, the second the log-variance.
   */
  public static LatentDistribution fromMoments(FloatTensor moments) {
    int c = moments.dim(1) / 2;
    int plane = moments.dim(2) * moments.dim(3);
    float[] m = new float[c * plane];
    float[] lv = new float[c * plane];
    System.arraycopy(moments.data(), 0, m, 0, c * plane);
    System.arraycopy(moments.data(), c * plane, lv, 0, c * plane);
    return new LatentDistribution(FloatTensor.of(m, 1, c, moments.dim(2), moments.dim(3)),
        FloatTensor.of(lv, 1, c, moments.dim(2), moments.dim(3)));
  }
}
