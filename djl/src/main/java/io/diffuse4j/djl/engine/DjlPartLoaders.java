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
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The part loaders of a DJL engine, bound by {@link DjlPartsModule}: each opens the part's file
 * ({@link DjlBackend#fileName()}) in its folder of the model. Thread-safe; what they return is the
 * caller's to close.
 */
public final class DjlPartLoaders {

  private DjlPartLoaders() {}

  /** Text encoders (CLIP tokenizer from the model folder + the DJL part). */
  public static final class Text implements TextEncoderLoader {
    private final DjlBackend backend;

    /** A loader for {@code backend}. */
    @Inject
    public Text(DjlBackend backend) {
      this.backend = backend;
    }

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
  }

  /** U-Nets. */
  public static final class UNet implements DenoiserLoader {
    private final DjlBackend backend;

    /** A loader for {@code backend}. */
    @Inject
    public UNet(DjlBackend backend) {
      this.backend = backend;
    }

    @Override
    public Denoiser load(Path modelDir) {
      DjlPart part = backend.open(modelDir, "unet");
      try {
        return new DjlDenoiser(part);
      } catch (RuntimeException e) {
        part.close();
        throw e;
      }
    }
  }

  /** VAE decoders and encoders. */
  public static final class Vae implements VaeLoader {
    private final DjlBackend backend;

    /** A loader for {@code backend}. */
    @Inject
    public Vae(DjlBackend backend) {
      this.backend = backend;
    }

    @Override
    public VaeDecoder loadDecoder(Path modelDir) {
      DjlPart part = backend.open(modelDir, "vae_decoder");
      try {
        double fromFile = part.spec().configDouble("scaling_factor", 0.18215);
        double scaling = ModelConfigs.readIfPresent(modelDir.resolve("vae_decoder").resolve("config.json"))
            .map(c -> c.path("scaling_factor")).filter(JsonNode::isNumber).map(JsonNode::asDouble).orElse(fromFile);
        return new DjlVaeDecoder(part, scaling);
      } catch (RuntimeException e) {
        part.close();
        throw e;
      }
    }

    @Override
    public Optional<VaeEncoder> loadEncoder(Path modelDir) {
      if (!Files.exists(modelDir.resolve("vae_encoder").resolve(backend.fileName()))) {
        return Optional.empty();
      }
      return Optional.of(new DjlVaeEncoder(backend.open(modelDir, "vae_encoder")));
    }
  }
}
