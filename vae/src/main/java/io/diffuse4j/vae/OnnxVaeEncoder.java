package io.diffuse4j.vae;

import io.diffuse4j.api.model.LatentDistribution;
import io.diffuse4j.api.model.VaeEncoder;
import io.diffuse4j.api.tensor.FloatTensor;
import io.diffuse4j.onnx.OnnxModel;
import io.diffuse4j.onnx.TensorValue;
import java.util.Map;
import java.util.Set;

/**
 * The VAE encoder of a Stable Diffusion ONNX export: {@code sample} (images in [-1, 1]) to the
 * latent distribution's parameters: {@code latent_parameters} (optimum from 1.20: mean and
 * log-variance concatenated on channels), or the same tensor cut out of a graph that samples
 * inside ({@link OnnxVaeLoader} does that for diffusers' script and older optimum exports, whose
 * {@code latent_sample} is drawn by a {@code RandomNormalLike} node), or, for other exports, a
 * deterministic {@code latent_sample} taken as the mean.
 * Thread-safe; close to free the session.
 */
public final class OnnxVaeEncoder implements VaeEncoder {

  private final OnnxModel model;
  private final String outputName;
  private final boolean parameters;

  /** Wraps an opened encoder session. */
  public OnnxVaeEncoder(OnnxModel model) {
    this(model, model.hasOutput("latent_parameters") ? "latent_parameters"
        : model.hasOutput("latent_sample") ? "latent_sample" : model.outputs().keySet().iterator().next(),
        model.hasOutput("latent_parameters"));
  }

  /**
   * Wraps an opened encoder session reading {@code outputName}.
   *
   * @param parameters whether that output is the distribution's parameters (mean and log-variance
   *     concatenated on channels, diffusers' {@code moments}) rather than latents
   */
  public OnnxVaeEncoder(OnnxModel model, String outputName, boolean parameters) {
    this.model = model;
    this.outputName = outputName;
    this.parameters = parameters;
    model.output(outputName);
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
