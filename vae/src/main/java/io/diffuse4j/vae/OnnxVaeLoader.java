package io.diffuse4j.vae;

import com.fasterxml.jackson.databind.JsonNode;
import io.diffuse4j.api.model.VaeDecoder;
import io.diffuse4j.api.model.VaeEncoder;
import io.diffuse4j.api.model.VaeLoader;
import io.diffuse4j.api.pipeline.DiffusionException;
import io.diffuse4j.api.pipeline.InvalidModelException;
import io.diffuse4j.api.tensor.FloatTensor;
import io.diffuse4j.onnx.ModelConfigs;
import io.diffuse4j.onnx.OnnxModel;
import io.diffuse4j.onnx.OnnxSessionFactory;
import io.diffuse4j.onnx.TensorValue;
import io.diffuse4j.onnx.OnnxGraph;
import io.diffuse4j.onnx.ValueSpec;
import jakarta.inject.Inject;
import java.util.List;
import java.util.function.Consumer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Opens the VAE parts of a model folder. The scaling factor comes from {@code scaling_factor}
 * in {@code vae_decoder/config.json} (or {@code vae_encoder/config.json}, or {@code vae/config.json}),
 * else SD's 0.18215; the image/latent size factor from {@code block_out_channels}, else from
 * decoding one small latent; the latent channels from the declared shape, the config or the
 * graph. A VAE encoder that samples inside its graph (diffusers' script, optimum before 1.20) is
 * cut to the distribution's parameters so that image-to-image draws its noise from the request's
 * seed. Thread-safe.
 */
public final class OnnxVaeLoader implements VaeLoader {

  /** Stable Diffusion 1.x/2.x's latent scaling factor, used when no VAE config says otherwise. */
  public static final double DEFAULT_SCALING_FACTOR = 0.18215;

  private final OnnxSessionFactory sessions;
  private final Consumer<String> warnings;

  /** A loader opening sessions with {@code sessions}, reporting warnings where the factory does. */
  @Inject
  public OnnxVaeLoader(OnnxSessionFactory sessions) {
    this.sessions = sessions;
    this.warnings = sessions.warnings();
  }

  @Override
  public VaeDecoder loadDecoder(Path modelDir) {
    Optional<JsonNode> config = vaeConfig(modelDir);
    double scaling = config.map(c -> c.path("scaling_factor")).filter(JsonNode::isNumber)
        .map(JsonNode::asDouble).orElse(DEFAULT_SCALING_FACTOR);
    OnnxModel model = sessions.open(modelDir.resolve("vae_decoder").resolve("model.onnx"), "vae_decoder");
    try {
      int channels = latentChannels(model, config);
      Optional<JsonNode> blocks = config.map(c -> c.path("block_out_channels")).filter(JsonNode::isArray);
      if (blocks.isPresent() && (blocks.get().size() < 1 || blocks.get().size() > 8)) {
        Path file = modelDir.resolve("vae_decoder").resolve("config.json");
        throw new InvalidModelException(file, file + ": \"block_out_channels\" has " + blocks.get().size()
            + " entries; a VAE has 1 to 8 blocks (the image is 2^(entries - 1) times the latents; Stable Diffusion's"
            + " VAE has 4). Fix or restore the file.");
      }
      int factor = blocks.map(a -> 1 << (a.size() - 1)).orElseGet(() -> probeScale(model, channels));
      return new OnnxVaeDecoder(model, factor, scaling, channels);
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
  }

  /**
   * The decoder's latent channels: the declared dimension 1 of its input when static, else
   * {@code latent_channels} of the VAE config, else the first convolution's weight in the graph
   * (diffusers' script and optimum before 1.20 declare the axis dynamic).
   */
  static int latentChannels(OnnxModel model, Optional<JsonNode> config) {
    String in = OnnxVaeDecoder.inputName(model);
    ValueSpec spec = model.input(in);
    if (spec.rank() != 4) {
      throw new InvalidModelException(model.file(), "VAE decoder " + model.file() + ": input '" + in + "' must be"
          + " 4-D [batch, latent channels, height, width], the file declares " + spec);
    }
    if (!spec.isDynamic(1)) {
      return (int) spec.dim(1);
    }
    if (config.isPresent() && config.get().path("latent_channels").isInt()) {
      return config.get().path("latent_channels").asInt();
    }
    return OnnxGraph.read(model.file()).inputChannelsOfFirstConv(in).orElseThrow(() -> new InvalidModelException(
        model.file(), "VAE decoder " + model.file() + ": input '" + in + "' declares its channel axis dynamic (" + spec
        + "), there is no vae_decoder/config.json with latent_channels, and no convolution reads it; add"
        + " vae_decoder/config.json (diffusers' AutoencoderKL config) with \"latent_channels\""));
  }

  @Override
  public Optional<VaeEncoder> loadEncoder(Path modelDir) {
    Path file = modelDir.resolve("vae_encoder").resolve("model.onnx");
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    OnnxGraph graph = OnnxGraph.read(file);
    Optional<String> moments = SamplingEncoders.momentsOfSamplingGraph(graph);
    if (moments.isPresent()) {
      // latent_sample is drawn inside the graph by ONNX Runtime's own generator: cut the graph to the
      // distribution's parameters and sample with the request's seeded noise, as diffusers' pipelines do.
      OnnxModel model = sessions.open(file, "vae_encoder", graph.withOutputs(List.of(moments.get())));
      return Optional.of(new OnnxVaeEncoder(model, moments.get(), true));
    }
    if (SamplingEncoders.samples(graph)) {
      warnings.accept("warning: the VAE encoder " + file + " draws random numbers inside its graph and diffuse4j"
          + " could not find the distribution's parameters in it, so image-to-image from it is not reproducible."
          + " Re-export the model with optimum 1.20 or later (its vae_encoder outputs latent_parameters).");
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

  private static int probeScale(OnnxModel model, int channels) {
    String in = OnnxVaeDecoder.inputName(model);
    var spec = model.input(in);
    int side = spec.isDynamic(2) ? 4 : (int) spec.dim(2);
    int width = spec.isDynamic(3) ? side : (int) spec.dim(3);
    String outName = model.hasOutput("sample") ? "sample" : model.outputs().keySet().iterator().next();
    FloatTensor out;
    try {
      out = model.run(Map.of(in, TensorValue.of(FloatTensor.zeros(1, channels, side, width))), Set.of(outName))
          .get(outName);
    } catch (InvalidModelException e) {
      throw e;
    } catch (DiffusionException e) {
      throw new InvalidModelException(model.file(), "VAE decoder " + model.file() + ": decoding a " + side + "x"
          + width + " latent of " + channels + " channels into input '" + in + "' failed (" + e.getMessage()
          + "). Is this the VAE decoder exported with this U-Net? (A VAE encoder reads 3 image channels.)", e);
    }
    if (out.rank() != 4 || out.dim(2) % side != 0 || out.dim(2) < side) {
      throw new InvalidModelException(model.file(), "VAE decoder " + model.file() + ": decoding a " + side + "x" + width
          + " latent gave output '" + outName + "' of shape " + java.util.Arrays.toString(out.shape())
          + "; expected [1, 3, " + side + "*f, " + width + "*f]");
    }
    return out.dim(2) / side;
  }
}
