package io.diffuse4j.pipelines.stages;

import io.diffuse4j.api.model.VaeDecoder;
import io.diffuse4j.api.pipeline.DiffusionException;
import io.diffuse4j.api.pipeline.GeneratedImage;
import io.diffuse4j.api.pipeline.GenerationParameters;
import io.diffuse4j.api.pipeline.GenerationRequest;
import io.diffuse4j.api.tensor.FloatTensor;
import io.diffuse4j.pipelines.image.Images;
import io.diffuse4j.pipelines.model.LoadedModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The "decode" stage: latents / {@code scaling_factor} through the VAE decoder, refusing NaN
 * pixels, into images carrying the parameters that made them. Thread-safe when the decoder is.
 */
public final class LatentDecoder {

  private final VaeDecoder vae;
  private final String modelName;
  private final Path dir;

  /** A decoder over {@code model}'s VAE decoder. */
  public LatentDecoder(LoadedModel model) {
    this.vae = model.vaeDecoder();
    this.modelName = model.info().name();
    this.dir = model.folder().dir();
  }

  /** The images of {@code latents}, one per batch entry. */
  public List<GeneratedImage> decode(FloatTensor latents, GenerationRequest r, Settings s) {
    FloatTensor decoded = vae.decode(Tensors.scale(latents, 1.0 / vae.scalingFactor()));
    int bad = decoded.firstNonFinite();
    if (bad >= 0) {
      throw new DiffusionException("The VAE decoder produced NaN or infinite pixels (vae_decoder/model.onnx of "
          + dir + "). fp16 VAEs overflow on some latents (SDXL's especially): use the fp32 VAE"
          + " decoder, or an fp16-fixed VAE export.");
    }
    List<GeneratedImage> out = new ArrayList<>();
    for (int i = 0; i < decoded.dim(0); i++) {
      GenerationParameters p = new GenerationParameters(r.prompt(), r.negativePrompt(), r.seed(), s.steps(),
          s.guidance(), s.schedulerName(), modelName, s.width(), s.height(), r.noise(), i,
          r.initImage() == null ? Double.NaN : r.strength());
      out.add(new GeneratedImage(Images.toImage(decoded, i), p));
    }
    return out;
  }
}
