package io.diffuse4j.vae;

import com.fasterxml.jackson.databind.JsonNode;
import io.diffuse4j.api.model.VaeDecoder;
import io.diffuse4j.api.model.VaeEncoder;
import io.diffuse4j.api.model.VaeLoader;
import io.diffuse4j.api.tensor.FloatTensor;
import io.diffuse4j.onnx.ModelConfigs;
import io.diffuse4j.onnx.OnnxModel;
import io.diffuse4j.onnx.OnnxSessionFactory;
import io.diffuse4j.onnx.TensorValue;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Opens the VAE parts of a model folder. The scaling factor comes from {@code scaling_factor}
 * in {@code vae_decoder/config.json} (or {@code vae_encoder/config.json}, or {@code vae/config.json}),
 * else SD's 0.18215; the image/latent size factor from {@code block_out_channels}, else from
 * decoding one small latent. Thread-safe.
 */
public final class OnnxVaeLoader implements VaeLoader {

  /** Stable Diffusion 1.x/2.x's latent scaling factor, used when no VAE config says otherwise. */
  public static final double DEFAULT_SCALING_FACTOR = 0.18215;

  private final OnnxSessionFactory sessions;

  /** A loader opening sessions with {@code sessions}. */
  @Inject
  public OnnxVaeLoader(OnnxSessionFactory sessions) {
    this.sessions = sessions;
  }

  @Override
  public VaeDecoder loadDecoder(Path modelDir) {
    Optional<JsonNode> config = vaeConfig(modelDir);
    double scaling = config.map(c -> c.path("scaling_factor")).filter(JsonNode::isNumber)
        .map(JsonNode::asDouble).orElse(DEFAULT_SCALING_FACTOR);
    OnnxModel model = sessions.open(modelDir.resolve("vae_decoder").resolve("model.onnx"), "vae_decoder");
    try {
      int factor = config.map(c -> c.path("block_out_channels")).filter(JsonNode::isArray)
          .map(a -> 1 << Math.max(0, a.size() - 1))
          .orElseGet(() -> probeScale(model));
      return new OnnxVaeDecoder(model, factor, scaling);
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
  }

  @Override
  public Optional<VaeEncoder> loadEncoder(Path modelDir) {
    Path file = modelDir.resolve("vae_encoder").resolve("model.onnx");
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    return Optional.of(new OnnxVaeEncoder(sessions.open(file, "vae_encoder")));
  }

  private static Optional<JsonNode> vaeConfig(Path modelDir) {
    for (String dir : new String[] {"vae_decoder", "vae_encoder", "vae"}) {
      Optional<JsonNode> c = ModelConfigs.readIfPresent(modelDir.resolve(dir).resolve("config.json"));
      if (c.isPresent()) {
        return c;
      }
    }
    return Optional.empty();
  }

  private static int probeScale(OnnxModel model) {
    String in = model.hasInput("latent_sample") ? "latent_sample" : model.inputs().keySet().iterator().next();
    var spec = model.input(in);
    int ch = (int) spec.dim(1);
    int side = spec.isDynamic(2) ? 4 : (int) spec.dim(2);
    FloatTensor out = model.run(Map.of(in, TensorValue.of(FloatTensor.zeros(1, ch, side, side))),
        Set.of(model.outputs().keySet().iterator().next())).values().iterator().next();
    return out.dim(2) / side;
  }
}
