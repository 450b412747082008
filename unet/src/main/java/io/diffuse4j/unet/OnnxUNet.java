package io.diffuse4j.unet;

import com.fasterxml.jackson.databind.JsonNode;
import io.diffuse4j.api.model.Conditioning;
import io.diffuse4j.api.model.Denoiser;
import io.diffuse4j.api.model.DenoiserInfo;
import io.diffuse4j.api.pipeline.InvalidModelException;
import io.diffuse4j.api.tensor.FloatTensor;
import io.diffuse4j.onnx.ElementType;
import io.diffuse4j.onnx.OnnxModel;
import io.diffuse4j.onnx.TensorValue;
import io.diffuse4j.onnx.ValueSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The conditional U-Net of a Stable Diffusion ONNX export. Adapts to the export's signature,
 * read from the session's metadata: {@code timestep} as float or int64, shaped {@code [batch]},
 * {@code [1]} or scalar; fixed batch-1 exports (batches are split into several calls); SDXL's
 * {@code text_embeds}/{@code time_ids} and LCM's {@code timestep_cond} inputs when present.
 *
 * <pre>{@code
 * try (Denoiser unet = new OnnxDenoiserLoader(factory).load(modelDir)) {
 *   FloatTensor eps = unet.predict(latents, 981, Conditioning.of(hiddenStates));
 * }
 * }</pre>
 *
 * <p>Thread-safe. Close to free the session.
 */
public final class OnnxUNet implements Denoiser {

  private final OnnxModel model;
  private final DenoiserInfo info;
  private final ValueSpec timestep;
  private final String outputName;
  private final Optional<JsonNode> config;

  /**
   * Wraps an opened U-Net session whose channel counts the declared shapes fix.
   *
   * @param config the U-Net's {@code config.json} when the folder has one
   * @param downsampleFactor the latent-size multiple the U-Net needs
   * @throws InvalidModelException when the declared channel axes are dynamic (use the other constructor)
   */
  public OnnxUNet(OnnxModel model, Optional<JsonNode> config, int downsampleFactor) {
    this(model, config, downsampleFactor, staticChannels(model, "sample", model.input("sample")),
        staticChannels(model, outputName(model), model.output(outputName(model))));
  }

  /**
   * Wraps an opened U-Net session.
   *
   * @param config the U-Net's {@code config.json} when the folder has one
   * @param downsampleFactor the latent-size multiple the U-Net needs
   * @param inChannels the channels of {@code sample} (4, or 9 for inpainting)
   * @param outChannels the channels of the prediction
   */
  public OnnxUNet(OnnxModel model, Optional<JsonNode> config, int downsampleFactor, int inChannels, int outChannels) {
    this.model = model;
    this.config = config;
    ValueSpec sample = model.input("sample");
    this.timestep = model.input("timestep");
    ValueSpec hidden = model.input("encoder_hidden_states");
    if (sample.rank() != 4) {
      throw new InvalidModelException(model.file(), "U-Net " + model.file() + ": input 'sample' must be 4-D [batch,"
          + " channels, height, width], the file declares " + sample);
    }
    if (hidden.rank() != 3 || hidden.isDynamic(2)) {
      throw new InvalidModelException(model.file(), "U-Net " + model.file() + ": input 'encoder_hidden_states' must"
          + " be [batch, tokens, hidden] with a fixed hidden size, the file declares " + hidden);
    }
    this.outputName = outputName(model);
    int maxBatch = sample.isDynamic(0) ? Integer.MAX_VALUE : (int) sample.dim(0);
    int sampleSize = -1;
    if (!sample.isDynamic(2)) {
      sampleSize = (int) sample.dim(2);
    } else if (config.isPresent() && config.get().path("sample_size").isNumber()) {
      sampleSize = config.get().path("sample_size").asInt();
    }
    this.info = new DenoiserInfo(inChannels, outChannels, (int) hidden.dim(2), maxBatch, downsampleFactor, sampleSize,
        lastDim(model, "timestep_cond"), lastDim(model, "text_embeds"),
        hidden.isDynamic(1) ? Integer.MAX_VALUE : (int) hidden.dim(1));
  }

  /** The output the prediction is read from: {@code out_sample}, else the first output. */
  static String outputName(OnnxModel model) {
    return model.hasOutput("out_sample") ? "out_sample" : model.outputs().keySet().iterator().next();
  }

  private static int staticChannels(OnnxModel model, String name, ValueSpec spec) {
    if (spec.rank() != 4 || spec.isDynamic(1)) {
      throw new InvalidModelException(model.file(), "U-Net " + model.file() + ": the channel count of '" + name
          + "' is not declared (" + spec + "); load the U-Net with OnnxDenoiserLoader, which reads it from"
          + " unet/config.json or the graph");
    }
    return (int) spec.dim(1);
  }

  private static int lastDim(OnnxModel model, String input) {
    if (!model.hasInput(input)) {
      return 0;
    }
    ValueSpec s = model.input(input);
    if (s.rank() < 1 || s.isDynamic(-1)) {
      throw new InvalidModelException(model.file(), "U-Net " + model.file() + ": input '" + input + "' needs a fixed last dimension, the"
          + " file declares " + s);
    }
    return (int) s.dim(-1);
  }

  @Override
  public DenoiserInfo info() {
    return info;
  }

  /** The underlying model (for its metadata). */
  public OnnxModel model() {
    return model;
  }

  @Override
  public FloatTensor predict(FloatTensor sample, double t, Conditioning cond) {
    int batch = sample.dim(0);
    if (batch <= info.maxBatch()) {
      return run(sample, t, cond);
    }
    List<FloatTensor> parts = new ArrayList<>();
    for (int from = 0; from < batch; from += info.maxBatch()) {
      int to = Math.min(batch, from + info.maxBatch());
      parts.add(run(sample.sliceRange(from, to), t, slice(cond, from, to)));
    }
    return FloatTensor.concat(parts.toArray(FloatTensor[]::new));
  }

  private static Conditioning slice(Conditioning c, int from, int to) {
    return new Conditioning(c.encoderHiddenStates().sliceRange(from, to),
        c.textEmbeds() == null ? null : c.textEmbeds().sliceRange(from, to),
        c.timeIds() == null ? null : c.timeIds().sliceRange(from, to),
        c.timestepCond() == null ? null : c.timestepCond().sliceRange(from, to));
  }

  private FloatTensor run(FloatTensor sample, double t, Conditioning cond) {
    int batch = sample.dim(0);
    Map<String, TensorValue> feeds = new LinkedHashMap<>();
    feeds.put("sample", TensorValue.of(sample));
    feeds.put("timestep", timestepValue(t, batch));
    feeds.put("encoder_hidden_states", TensorValue.of(cond.encoderHiddenStates()));
    feedOptional(feeds, "text_embeds", cond.textEmbeds());
    feedOptional(feeds, "time_ids", cond.timeIds());
    feedOptional(feeds, "timestep_cond", cond.timestepCond());
    return model.run(feeds, Set.of(outputName)).get(outputName);
  }

  private void feedOptional(Map<String, TensorValue> feeds, String name, FloatTensor value) {
    if (!model.hasInput(name)) {
      return;
    }
    if (value == null) {
      throw new InvalidModelException(model.file(), "U-Net " + model.file() + " needs input '" + name + "' ("
          + model.input(name)
          + ") but the pipeline has no value for it: is model_index.json's pipeline class right for this U-Net?");
    }
    feeds.put(name, TensorValue.of(value));
  }

  private TensorValue timestepValue(double t, int batch) {
    // ONNX pipelines cast the timestep to the model's dtype: integer exports truncate like numpy's astype.
    boolean integral = !timestep.type().isFloating();
    long[] shape;
    int n;
    if (timestep.rank() == 0) {
      shape = new long[0];
      n = 1;
    } else if (!timestep.isDynamic(0)) {
      shape = new long[] {timestep.dim(0)};
      n = (int) timestep.dim(0);
    } else {
      shape = new long[] {batch};
      n = batch;
    }
    if (integral) {
      long[] v = new long[n];
      java.util.Arrays.fill(v, (long) t);
      return TensorValue.ofLongs(v, shape);
    }
    float[] v = new float[n];
    java.util.Arrays.fill(v, (float) t);
    return TensorValue.ofFloats(v, shape);
  }

  /** Whether the timestep is fed as an integer. */
  public boolean integerTimestep() {
    return timestep.type() == ElementType.INT64 || timestep.type() == ElementType.INT32;
  }

  @Override
  public void close() {
    model.close();
  }

  /**
   * The same U-Net over another session of the same graph (one opened with adapted weights); the
   * caller closes both.
   */
  public OnnxUNet withModel(OnnxModel other) {
    return new OnnxUNet(other, config, info.downsampleFactor());
  }

  @Override
  public String toString() {
    return "OnnxUNet" + info;
  }
}
