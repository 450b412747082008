package io.diffuse4j.vae;

import io.diffuse4j.api.model.VaeDecoder;
import io.diffuse4j.api.pipeline.InvalidModelException;
import io.diffuse4j.api.tensor.FloatTensor;
import io.diffuse4j.onnx.OnnxModel;
import io.diffuse4j.onnx.TensorValue;
import io.diffuse4j.onnx.ValueSpec;
import java.util.Map;
import java.util.Set;

/**
 * The VAE decoder of a Stable Diffusion ONNX export: {@code latent_sample} to {@code sample}
 * (images in [-1, 1]). Batches are decoded one image per call (as diffusers' ONNX pipeline does,
 * and as fixed-batch exports need). Thread-safe; close to free the session.
 */
public final class OnnxVaeDecoder implements VaeDecoder {

  private final OnnxModel model;
  private final int latentChannels;
  private final int scaleFactor;
  private final double scalingFactor;
  private final String inputName;
  private final String outputName;

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
    this.model = model;
    this.inputName = inputName(model);
    this.outputName = model.hasOutput("sample") ? "sample" : model.outputs().keySet().iterator().next();
    if (latentChannels <= 0) {
      throw new InvalidModelException(model.file(), "VAE decoder " + model.file() + ": latent channel count "
          + latentChannels + " of input '" + inputName + "' must be positive");
    }
    this.latentChannels = latentChannels;
    this.scaleFactor = scaleFactor;
    this.scalingFactor = scalingFactor;
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
      out[i] = model.run(Map.of(inputName, TensorValue.of(latents.slice(i))), Set.of(outputName)).get(outputName);
    }
    return FloatTensor.concat(out);
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
