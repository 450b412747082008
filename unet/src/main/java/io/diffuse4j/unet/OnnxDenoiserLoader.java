package io.diffuse4j.unet;

import com.fasterxml.jackson.databind.JsonNode;
import io.diffuse4j.api.model.Conditioning;
import io.diffuse4j.api.model.Denoiser;
import io.diffuse4j.api.model.DenoiserLoader;
import io.diffuse4j.api.pipeline.DiffusionException;
import io.diffuse4j.api.tensor.FloatTensor;
import io.diffuse4j.onnx.ModelConfigs;
import io.diffuse4j.onnx.OnnxModel;
import io.diffuse4j.onnx.OnnxSessionFactory;
import io.diffuse4j.onnx.ValueSpec;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Opens {@code unet/model.onnx} of a model folder as an {@link OnnxUNet}. The latent-size
 * multiple the U-Net needs comes from {@code unet/config.json} ({@code 2^(len(block_out_channels)-1)})
 * when present, else from probing the smallest power-of-two latent the session accepts.
 * Thread-safe.
 */
public final class OnnxDenoiserLoader implements DenoiserLoader {

  private final OnnxSessionFactory sessions;

  /** A loader opening sessions with {@code sessions}. */
  @Inject
  public OnnxDenoiserLoader(OnnxSessionFactory sessions) {
    this.sessions = sessions;
  }

  @Override
  public Denoiser load(Path modelDir) {
    Path dir = modelDir.resolve("unet");
    Optional<JsonNode> config = ModelConfigs.readIfPresent(dir.resolve("config.json"));
    OnnxModel model = sessions.open(dir.resolve("model.onnx"), "unet");
    try {
      int factor = config.map(c -> c.path("block_out_channels"))
          .filter(JsonNode::isArray)
          .map(a -> 1 << Math.max(0, a.size() - 1))
          .orElseGet(() -> probeDownsampling(model));
      return new OnnxUNet(model, config, factor);
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
  }

  /** Finds the smallest power-of-two latent side the U-Net runs at: its total downsampling. */
  static int probeDownsampling(OnnxModel model) {
    ValueSpec sample = model.input("sample");
    if (!sample.isDynamic(2) && !sample.isDynamic(3)) {
      return 1; // a fixed-size export takes exactly its size
    }
    ValueSpec hidden = model.input("encoder_hidden_states");
    int tokens = hidden.isDynamic(1) ? 77 : (int) hidden.dim(1);
    OnnxUNet probe = new OnnxUNet(model, Optional.empty(), 1);
    int ch = probe.info().inChannels();
    DiffusionException last = null;
    for (int side = 1; side <= 64; side *= 2) {
      try {
        FloatTensor x = FloatTensor.zeros(1, ch, side, side);
        FloatTensor h = FloatTensor.zeros(1, tokens, (int) hidden.dim(2));
        probe.predict(x, 1, new Conditioning(h, extra(model, "text_embeds"), extra(model, "time_ids"),
            extra(model, "timestep_cond")));
        return side;
      } catch (DiffusionException e) {
        last = e;
      }
    }
    throw new DiffusionException("Could not run the U-Net " + model.file() + " at any latent size from 1 to 64: "
        + (last == null ? "" : last.getMessage()), last);
  }

  private static FloatTensor extra(OnnxModel model, String name) {
    if (!model.hasInput(name)) {
      return null;
    }
    ValueSpec s = model.input(name);
    int[] shape = new int[s.rank()];
    for (int i = 0; i < shape.length; i++) {
      shape[i] = s.isDynamic(i) ? 1 : (int) s.dim(i);
    }
    return FloatTensor.zeros(shape);
  }
}
