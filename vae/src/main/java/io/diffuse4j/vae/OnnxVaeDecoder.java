package io.diffuse4j.vae;

import io.diffuse4j.api.pipeline.InvalidModelException;
import io.diffuse4j.api.tensor.FloatTensor;
import io.diffuse4j.onnx.OnnxModel;
import io.diffuse4j.onnx.ValueSpec;

/**
 * The VAE decoder of a Stable Diffusion ONNX export: {@code latent_sample} to {@code sample}
 * (images in [-1, 1]). Batches are decoded one image per call (as diffusers' ONNX pipeline does,
 * and as fixed-batch exports need). Thread-safe; close to free the session.
 */
public final class OnnxVaeDecoder extends PerImageVaeDecoder {

  private final OnnxModel model;

  /**
   * Wraps an opened decoder session.
   *
   * @param scaleFactor image pixels per latent pixel
   * @param scalingFactor the latent scaling factor (0.18215 for SD 1.x)
   */
  public OnnxVaeDecoder(OnnxModel model, int scaleFactor, double scalingFactor) {
    this(model, scaleFactor, scalingFactor, declaredChannels(model));
  }

  /**
   * Wraps an opened decoder session whose latent channel count was read elsewhere (config or graph).
   *
   * @param scaleFactor image pixels per latent pixel
   * @param scalingFactor the latent scaling factor (0.18215 for SD 1.x)
   * @param latentChannels the channels of the input latents
   */
  public OnnxVaeDecoder(OnnxModel model, int scaleFactor, double scalingFactor, int latentChannels) {
    super(latentChannels, scaleFactor, scalingFactor, OnnxVaeEncoder.runOne(model, inputName(model),
        model.hasOutput("sample") ? "sample" : model.outputs().keySet().iterator().next()), model);
    this.model = model;
    String inputName = inputName(model);
    if (latentChannels <= 0) {
      throw new InvalidModelException(model.file(), "VAE decoder " + model.file() + ": latent channel count "
          + latentChannels + " of input '" + inputName + "' must be positive");
    }
  }

  /** The input the latents are fed to: {@code latent_sample}, else the first input. */
  static String inputName(OnnxModel model) {
    return model.hasInput("latent_sample") ? "latent_sample" : model.inputs().keySet().iterator().next();
  }

  private static int declaredChannels(OnnxModel model) {
    ValueSpec in = model.input(inputName(model));
    if (in.rank() != 4 || in.isDynamic(1)) {
      throw new InvalidModelException(model.file(), "VAE decoder " + model.file() + ": input '" + in.name()
          + "' must be [batch, latent channels, height, width] with declared channels, the file declares " + in
          + "; load it with OnnxVaeLoader, which reads the channels from the config or the graph");
    }
    return (int) in.dim(1);
  }

  /** The underlying model. */
  public OnnxModel model() {
    return model;
  }
}
