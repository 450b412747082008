package io.diffuse4j.pipelines.stages;

import io.diffuse4j.api.model.LatentDistribution;
import io.diffuse4j.api.model.VaeEncoder;
import io.diffuse4j.api.noise.NoiseSource;
import io.diffuse4j.api.pipeline.DiffusionException;
import io.diffuse4j.api.pipeline.VaeTiling;
import io.diffuse4j.api.tensor.FloatTensor;
import io.diffuse4j.pipelines.model.LoadedModel;
import io.diffuse4j.vae.TiledVae;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Images into scaled latents with the VAE encoder, sampling the latent distribution with the
 * request's generator as diffusers' {@code retrieve_latents}. Thread-safe when the encoder is.
 */
public final class ImageLatents {

  private final Optional<VaeEncoder> encoder;
  private final double scalingFactor;
  private final Path dir;
  private final VaeTiling tiling;
  private final int scaleFactor;
  private final int tileSize;

  /** Latents with {@code model}'s VAE encoder (checked when first used), tiled above the memory budget. */
  public ImageLatents(LoadedModel model) {
    this(model, VaeTiling.AUTO);
  }

  /** Latents with {@code model}'s VAE encoder, tiled as {@code tiling} says ({@link TiledVae}). */
  public ImageLatents(LoadedModel model, VaeTiling tiling) {
    this.encoder = model.vaeEncoder();
    this.scalingFactor = model.vaeDecoder().scalingFactor();
    this.dir = model.folder().dir();
    this.tiling = tiling;
    this.scaleFactor = model.vaeDecoder().scaleFactor();
    this.tileSize = LatentDecoder.tileSize(model);
  }

  /** {@code vae.encode(image).latent_dist.sample(generator) * scaling_factor} for a {@code [1, 3, H, W]} image. */
  public FloatTensor encode(FloatTensor image, NoiseSource noise) {
    VaeEncoder enc = encoder.orElseThrow(() -> new DiffusionException("Image-to-image needs a VAE encoder"
        + " but " + dir + " has no vae_encoder/model.onnx; re-export the model with its VAE encoder."));
    boolean tiled = TiledVae.shouldTile(tiling, image.dim(3), image.dim(2), tileSize, TiledVae.DEFAULT_BUDGET_BYTES);
    LatentDistribution dist = tiled ? TiledVae.encode(image, enc, scaleFactor, tileSize) : enc.encode(image);
    FloatTensor z = dist.mean();
    if (dist.logVariance() != null) {
      FloatTensor eps = noise.randn(z.shape());
      float[] d = z.data().clone();
      float[] lv = dist.logVariance().data();
      for (int i = 0; i < d.length; i++) {
        float logvar = Math.max(-30f, Math.min(20f, lv[i]));
        d[i] += (float) Math.exp(0.5 * logvar) * eps.data()[i];
      }
      z = z.withData(d);
    }
    return Tensors.scale(z, scalingFactor);
  }

  /** The latents of the image with the masked region blacked out ({@code image * (mask < 0.5)}). */
  public FloatTensor encodeMasked(FloatTensor image, FloatTensor mask, NoiseSource noise) {
    float[] d = image.data().clone();
    float[] m = mask.data();
    int plane = m.length;
    for (int i = 0; i < d.length; i++) {
      if (m[i % plane] >= 0.5f) {
        d[i] = 0f;
      }
    }
    return encode(image.withData(d), noise);
  }
}
