package io.diffuse4j.pipelines.stages;

import io.diffuse4j.api.model.VaeDecoder;
import io.diffuse4j.api.pipeline.DiffusionException;
import io.diffuse4j.api.pipeline.GeneratedImage;
import io.diffuse4j.api.pipeline.GenerationParameters;
import io.diffuse4j.api.pipeline.GenerationRequest;
import io.diffuse4j.api.tensor.FloatTensor;
import io.diffuse4j.pipelines.image.Images;
import io.diffuse4j.pipelines.model.LoadedModel;
import io.diffuse4j.vae.TiledVae;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The "decode" stage: latents / {@code scaling_factor} through the VAE decoder, refusing NaN
 * pixels, into images carrying the parameters that made them. Images are decoded one by one (only
 * one decoded image is alive at a time), in tiles ({@link TiledVae}) when the request asks or the
 * untiled decode would exceed {@link TiledVae#DEFAULT_BUDGET_BYTES}. Thread-safe when the decoder is.
 */
public final class LatentDecoder {

  private final VaeDecoder vae;
  private final String modelName;
  private final Path dir;
  private final int tileSize;

  /** A decoder over {@code model}'s VAE decoder. */
  public LatentDecoder(LoadedModel model) {
    this.vae = model.vaeDecoder();
    this.modelName = model.info().name();
    this.dir = model.folder().dir();
    this.tileSize = tileSize(model);
  }

  /** The VAE tile in image pixels: the model's native size (diffusers: the VAE's {@code sample_size}). */
  static int tileSize(LoadedModel model) {
    return Math.max(model.info().defaultWidth(), model.info().defaultHeight());
  }

  /** The images of {@code latents}, one per batch entry. */
  public List<GeneratedImage> decode(FloatTensor latents, GenerationRequest r, Settings s) {
    boolean tiled = TiledVae.shouldTile(r.vaeTiling(), s.width(), s.height(), tileSize, TiledVae.DEFAULT_BUDGET_BYTES);
    List<GeneratedImage> out = new ArrayList<>();
    for (int i = 0; i < latents.dim(0); i++) {
      FloatTensor z = Tensors.scale(latents.slice(i), 1.0 / vae.scalingFactor());
      FloatTensor decoded = tiled ? TiledVae.decode(z, vae::decode, vae.scaleFactor(), tileSize) : vae.decode(z);
      int bad = decoded.firstNonFinite();
      if (bad >= 0) {
        throw new DiffusionException("The VAE decoder produced NaN or infinite pixels (vae_decoder/model.onnx of "
            + dir + "). fp16 VAEs overflow on some latents (SDXL's especially): use the fp32 VAE"
            + " decoder, or an fp16-fixed VAE export.");
      }
      GenerationParameters p = new GenerationParameters(r.prompt(), r.negativePrompt(), s.seedOf(i), s.steps(),
          s.guidance(), s.schedulerName(), modelName, s.width(), s.height(), r.noise(), i,
          r.initImage() == null ? Double.NaN : r.strength());
      out.add(new GeneratedImage(Images.toImage(decoded, 0), p));
    }
    return out;
  }
}
