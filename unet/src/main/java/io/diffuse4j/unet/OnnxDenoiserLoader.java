package io.diffuse4j.unet;

import com.fasterxml.jackson.databind.JsonNode;
import io.diffuse4j.api.model.Conditioning;
import io.diffuse4j.api.model.Denoiser;
import io.diffuse4j.api.model.DenoiserLoader;
import io.diffuse4j.api.pipeline.DiffusionException;
import io.diffuse4j.api.pipeline.InvalidModelException;
import io.diffuse4j.api.tensor.FloatTensor;
import io.diffuse4j.onnx.ModelConfigs;
import io.diffuse4j.onnx.OnnxGraph;
import io.diffuse4j.onnx.OnnxModel;
import io.diffuse4j.onnx.OnnxSessionFactory;
import io.diffuse4j.onnx.ValueSpec;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Opens {@code unet/model.onnx} of a model folder as an {@link OnnxUNet}. The latent-size
 * multiple the U-Net needs comes from {@code unet/config.json} ({@code 2^(len(block_out_channels)-1)})
 * when present, else from probing the smallest power-of-two latent the session accepts. Channel
 * counts come from the declared shapes, {@code unet/config.json} or the graph ({@link #channels}), so
 * folders exactly as diffusers' conversion script and every optimum release write them load.
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
    Path file = dir.resolve("model.onnx");
    OnnxModel model = sessions.open(file, "unet");
    try {
      int[] channels = channels(model, config);
      int factor = config.map(c -> c.path("block_out_channels"))
          .filter(JsonNode::isArray)
          .map(a -> 1 << Math.max(0, a.size() - 1))
          .orElseGet(() -> probeDownsampling(model, channels));
      return new OnnxUNet(model, config, factor, channels[0], channels[1]);
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
  }

  /**
   * The U-Net's input and output latent channels: the declared dimension 1 of {@code sample} and
   * of the output when static; else {@code in_channels}/{@code out_channels} of {@code unet/config.json};
   * else read from the graph (the weight of the first convolution on {@code sample}, of the last
   * one before the output). diffusers' conversion script and optimum before 1.20 declare these axes
   * dynamic ({@code channels}, {@code num_channels}).
   *
   * @throws InvalidModelException naming the file and input when none of these says
   */
  static int[] channels(OnnxModel model, Optional<JsonNode> config) {
    ValueSpec sample = model.input("sample");
    if (sample.rank() != 4) {
      throw new InvalidModelException(model.file(), "U-Net " + model.file() + ": input 'sample' must be 4-D [batch,"
          + " channels, height, width], the file declares " + sample);
    }
    String outName = OnnxUNet.outputName(model);
    ValueSpec out = model.output(outName);
    OnnxGraph[] graph = new OnnxGraph[1];
    java.util.function.Supplier<OnnxGraph> g = () -> graph[0] != null ? graph[0] : (graph[0] = OnnxGraph.read(model.file()));
    int in;
    if (!sample.isDynamic(1)) {
      in = (int) sample.dim(1);
    } else if (config.isPresent() && config.get().path("in_channels").isInt()) {
      in = config.get().path("in_channels").asInt();
    } else {
      in = g.get().inputChannelsOfFirstConv("sample").orElseThrow(() -> new InvalidModelException(model.file(),
          "U-Net " + model.file() + ": input 'sample' declares its channel axis dynamic (" + sample + "), the folder"
          + " has no unet/config.json with in_channels, and no convolution reads 'sample' directly; add"
          + " unet/config.json (diffusers' UNet2DConditionModel config) with \"in_channels\""));
    }
    int outCh;
    if (out.rank() == 4 && !out.isDynamic(1)) {
      outCh = (int) out.dim(1);
    } else if (config.isPresent() && config.get().path("out_channels").isInt()) {
      outCh = config.get().path("out_channels").asInt();
    } else {
      outCh = g.get().outputChannelsOfLastConv(outName).orElseThrow(() -> new InvalidModelException(model.file(),
          "U-Net " + model.file() + ": output '" + outName + "' declares its channel axis dynamic (" + out + "), the"
          + " folder has no unet/config.json with out_channels, and no convolution produces it; add unet/config.json"
          + " with \"out_channels\""));
    }
    if (in <= 0 || outCh <= 0) {
      throw new InvalidModelException(model.file(), "U-Net " + model.file() + ": channel counts " + in + " (input"
          + " 'sample') and " + outCh + " (output '" + outName + "') must be positive");
    }
    return new int[] {in, outCh};
  }

  /** Finds the smallest power-of-two latent side the U-Net runs at: its total downsampling. */
  static int probeDownsampling(OnnxModel model, int[] channels) {
    ValueSpec sample = model.input("sample");
    if (!sample.isDynamic(2) && !sample.isDynamic(3)) {
      return 1; // a fixed-size export takes exactly its size
    }
    ValueSpec hidden = model.input("encoder_hidden_states");
    int tokens = hidden.isDynamic(1) ? 77 : (int) hidden.dim(1);
    OnnxUNet probe = new OnnxUNet(model, Optional.empty(), 1, channels[0], channels[1]);
    int ch = channels[0];
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
    throw new InvalidModelException(model.file(), "Could not run the U-Net " + model.file() + " at any latent size from 1 to 64: "
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
