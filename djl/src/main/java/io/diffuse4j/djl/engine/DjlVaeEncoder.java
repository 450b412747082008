package io.diffuse4j.djl.engine;

import io.diffuse4j.api.model.LatentDistribution;
import io.diffuse4j.api.model.VaeEncoder;
import io.diffuse4j.api.tensor.FloatTensor;

/**
 * A VAE encoder run by a DJL engine: {@code sample} → {@code latent_sample} (the mean, as diffusers'
 * ONNX export) or {@code latent_parameters} (mean and log-variance, as optimum's). Thread-safe; closing
 * it closes the model.
 */
public final class DjlVaeEncoder implements VaeEncoder {

  private final DjlPart part;
  private final boolean parameters;

  /** Wraps an opened part. */
  public DjlVaeEncoder(DjlPart part) {
    this.part = part;
    this.parameters = part.spec().outputIndex("latent_parameters") >= 0;
  }

  @Override
  public LatentDistribution encode(FloatTensor images) {
    FloatTensor[] means = new FloatTensor[images.dim(0)];
    FloatTensor[] logvars = new FloatTensor[images.dim(0)];
    for (int i = 0; i < means.length; i++) {
      FloatTensor out = part.run(DjlPart.Feed.of(images.slice(i))).get(0);
      if (!parameters) {
        means[i] = out;
        continue;
      }
      int c = out.dim(1) / 2;
      int plane = out.dim(2) * out.dim(3);
      float[] m = new float[c * plane];
      float[] lv = new float[c * plane];
      System.arraycopy(out.data(), 0, m, 0, c * plane);
      System.arraycopy(out.data(), c * plane, lv, 0, c * plane);
      means[i] = FloatTensor.of(m, 1, c, out.dim(2), out.dim(3));
      logvars[i] = FloatTensor.of(lv, 1, c, out.dim(2), out.dim(3));
    }
    return new LatentDistribution(FloatTensor.concat(means), parameters ? FloatTensor.concat(logvars) : null);
  }

  @Override
  public void close() {
    part.close();
  }
}
