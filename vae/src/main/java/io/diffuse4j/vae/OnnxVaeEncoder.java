package io.diffuse4j.vae;

import io.diffuse4j.api.tensor.FloatTensor;
import io.diffuse4j.onnx.OnnxModel;
import io.diffuse4j.onnx.TensorValue;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The VAE encoder of a Stable Diffusion ONNX export: {@code sample} (images in [-1, 1]) to the
 * latent distribution's parameters: {@code latent_parameters} (optimum from 1.20: mean and
 * log-variance concatenated on channels), or the same tensor cut out of a graph that samples
 * inside ({@link OnnxVaeLoader} does that for diffusers' script and older optimum exports, whose
 * {@code latent_sample} is drawn by a {@code RandomNormalLike} node), or, for other exports, a
 * deterministic {@code latent_sample} taken as the mean.
 * Thread-safe; close to free the session.
 */
public final class OnnxVaeEncoder extends PerImageVaeEncoder {

  private final OnnxModel model;

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
    super(parameters, runOne(model, model.hasInput("sample") ? "sample" : model.inputs().keySet().iterator().next(),
        checkedOutput(model, outputName)), model);
    this.model = model;
  }

  private static String checkedOutput(OnnxModel model, String outputName) {
    model.output(outputName);
    return outputName;
  }

  /** One image through {@code model}: {@code input} fed, {@code output} read. */
  static UnaryOperator<FloatTensor> runOne(OnnxModel model, String input, String output) {
    return x -> model.run(Map.of(input, TensorValue.of(x)), Set.of(output)).get(output);
  }

  /** The underlying model. */
  public OnnxModel model() {
    return model;
  }
}
