package io.diffuse4j.djl.engine;

import com.fasterxml.jackson.databind.JsonNode;
import io.diffuse4j.api.model.Denoiser;
import io.diffuse4j.api.model.DenoiserLoader;
import io.diffuse4j.api.model.TextEncoder;
import io.diffuse4j.api.model.TextEncoderLoader;
import io.diffuse4j.api.model.VaeDecoder;
import io.diffuse4j.api.model.VaeEncoder;
import io.diffuse4j.api.model.VaeLoader;
import io.diffuse4j.api.pipeline.InvalidModelException;
import io.diffuse4j.onnx.ModelConfigs;
import io.diffuse4j.textencoder.tokenizer.ClipTokenizer;
import io.diffuse4j.vae.PerImageVaeDecoder;
import io.diffuse4j.vae.PerImageVaeEncoder;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Function;

/**
 * The part loader of a DJL engine, bound by {@link DjlPartsModule} for the text encoder, the U-Net and
 * the VAE: each part's file ({@link DjlBackend#fileName()}) is opened in its folder of the model, and
 * closed again when wrapping it fails. VAE parts run one image at a time, as the ONNX ones do.
 * Thread-safe; what it returns is the caller's to close.
 */
public final class DjlPartLoaders implements TextEncoderLoader, DenoiserLoader, VaeLoader {

  private final DjlBackend backend;

  /** A loader for {@code backend}. */
  @Inject
  public DjlPartLoaders(DjlBackend backend) {
    this.backend = backend;
  }

  /** Opens {@code folder}'s part and wraps it; the part is closed when wrapping fails. */
  private <T> T open(Path modelDir, String folder, Function<DjlPart, T> wrap) {
    DjlPart part = backend.open(modelDir, folder);
    try {
      return wrap.apply(part);
    } catch (RuntimeException e) {
      part.close();
      throw e;
    }
  }

  /** Text encoders: the CLIP tokenizer from the model folder and the DJL part. */
  @Override
  public TextEncoder load(Path modelDir, String encoderFolder, String tokenizerFolder, String hiddenStatesOutput) {
    if (!"last_hidden_state".equals(hiddenStatesOutput)) {
      throw new InvalidModelException(modelDir.resolve(encoderFolder), "The DJL " + backend.engineName()
          + " engine runs SD 1.x/2.x text encoders (last_hidden_state); this model needs '" + hiddenStatesOutput
          + "' (SDXL). Use the OnnxRuntime engine for it.");
    }
    // the tokenizer first: it also keeps DJL offline (see ClipTokenizer) before a DJL engine starts
    ClipTokenizer tokenizer = ClipTokenizer.load(modelDir.resolve(tokenizerFolder));
    try {
      return new DjlTextEncoder(backend.open(modelDir, encoderFolder), tokenizer);
    } catch (RuntimeException e) {
      tokenizer.close();
      throw e;
    }
  }

  /** The U-Net. */
  @Override
  public Denoiser load(Path modelDir) {
    return open(modelDir, "unet", DjlDenoiser::new);
  }

  @Override
  public VaeDecoder loadDecoder(Path modelDir) {
    return open(modelDir, "vae_decoder", part -> {
      double fromFile = part.spec().configDouble("scaling_factor", 0.18215);
      double scaling = ModelConfigs.readIfPresent(modelDir.resolve("vae_decoder").resolve("config.json"))
          .map(c -> c.path("scaling_factor")).filter(JsonNode::isNumber).map(JsonNode::asDouble).orElse(fromFile);
      return new PerImageVaeDecoder(latentChannels(part.spec()), part.spec().configInt("scale_factor", 8), scaling,
          latent -> part.run(DjlPart.Feed.of(latent)).get(0), part);
    });
  }

  @Override
  public Optional<VaeEncoder> loadEncoder(Path modelDir) {
    if (!Files.exists(modelDir.resolve("vae_encoder").resolve(backend.fileName()))) {
      return Optional.empty();
    }
    // sample -> latent_sample (the mean, as diffusers' ONNX export) or latent_parameters (optimum's)
    return Optional.of(open(modelDir, "vae_encoder", part -> new PerImageVaeEncoder(
        part.spec().outputIndex("latent_parameters") >= 0, image -> part.run(DjlPart.Feed.of(image)).get(0), part)));
  }

  private static int latentChannels(PartSpec spec) {
    int c = spec.inputs().get(0).dim(1);
    return c > 0 ? c : spec.configInt("latent_channels", 4);
  }
}
