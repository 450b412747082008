package io.diffuse4j.vae;

import io.diffuse4j.api.model.LatentDistribution;
import io.diffuse4j.api.model.VaeEncoder;
import io.diffuse4j.api.tensor.FloatTensor;
import io.diffuse4j.onnx.OnnxModel;
import io.diffuse4j.onnx.TensorValue;
import java.util.Map;
import java.util.Set;

/**
 * The VAE encoder of a Stable Diffusion ONNX export: {@code sample} (images in [-1, 1]) to
 * either {@code latent_sample} (diffusers' export script: the distribution's mean, no variance)
 * or {@code latent_parameters} (optimum: mean and log-variance concatenated on channels).
 * Thread-safe; close to free the session.
 */
public final class OnnxVaeEncoder implements VaeEncoder {

  private final OnnxModel model;
  private final String outputName;
  private final boolean parameters;

  /** Wraps an opened encoder session. */
  public OnnxVaeEncoder(OnnxModel model) {
    this.model = model;
    this.parameters = model.hasOutput("latent_parameters");
    this.outputName = parameters ? "latent_parameters"
        : model.hasOutput("latent_sample") ? "latent_sample" : model.outputs().keySet().iterator().next();
  }

  @Override
  public LatentDistribution encode(FloatTensor images) {
    String in = model.hasInput("sample") ? "sample" : model.inputs().keySet().iterator().next();
    FloatTensor[] means = new FloatTensor[images.dim(0)];
    FloatTensor[] logvars = new FloatTensor[images.dim(0)];
    for (int i = 0; i < means.length; i++) {
      FloatTensor out = model.run(Map.of(in, TensorValue.of(images.slice(i))), Set.of(outputName)).get(outputName);
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

  /** The underlying model. */
  public OnnxModel model() {
    return model;
  }

  @Override
  public void close() {
    model.close();
  }
}
