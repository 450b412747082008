package io.diffuse4j.djl.engine;

import io.diffuse4j.api.model.Conditioning;
import io.diffuse4j.api.model.Denoiser;
import io.diffuse4j.api.model.DenoiserInfo;
import io.diffuse4j.api.pipeline.InvalidModelException;
import io.diffuse4j.api.tensor.FloatTensor;
import java.util.Arrays;

/**
 * A U-Net run by a DJL engine: {@code sample}, {@code timestep} [batch] (float, or int64 truncated as
 * diffusers' ONNX pipelines cast it), {@code encoder_hidden_states} and, when declared,
 * {@code timestep_cond} → the noise (or v) prediction. It only runs the network: the loop, the
 * scheduler and the guidance stay in the pipeline. Thread-safe; closing it closes the model.
 */
public final class DjlDenoiser implements Denoiser {

  private final DjlPart part;
  private final DenoiserInfo info;
  private final boolean integerTimestep;
  private final boolean timestepCond;

  /** Wraps an opened part. */
  public DjlDenoiser(DjlPart part) {
    this.part = part;
    PartSpec spec = part.spec();
    PartSpec.Value sample = spec.input("sample");
    PartSpec.Value hidden = spec.input("encoder_hidden_states");
    PartSpec.Value timestep = spec.input("timestep");
    if (sample == null || hidden == null || timestep == null || !spec.inputs().get(0).name().equals("sample")) {
      throw new InvalidModelException(spec.file(), "U-Net " + spec.file() + " must take (sample, timestep,"
          + " encoder_hidden_states[, timestep_cond]) in that order; " + PartSpec.ENTRY + " declares "
          + spec.inputs().stream().map(PartSpec.Value::name).toList());
    }
    if (spec.input("text_embeds") != null) {
      throw new InvalidModelException(spec.file(), "U-Net " + spec.file() + " takes SDXL's text_embeds/time_ids,"
          + " which the DJL engine does not support yet; use the OnnxRuntime engine for SDXL models.");
    }
    int inCh = sample.dim(1) > 0 ? sample.dim(1) : spec.configInt("in_channels", -1);
    int crossDim = hidden.dim(2) > 0 ? hidden.dim(2) : spec.configInt("cross_attention_dim", -1);
    if (inCh <= 0 || crossDim <= 0) {
      throw new InvalidModelException(spec.file(), "U-Net " + spec.file() + ": " + PartSpec.ENTRY + " must give the"
          + " sample's channels and encoder_hidden_states' width (shapes or config in_channels/cross_attention_dim)");
    }
    PartSpec.Value cond = spec.input("timestep_cond");
    this.timestepCond = cond != null;
    this.integerTimestep = !timestep.dtype().startsWith("float");
    this.info = new DenoiserInfo(inCh, spec.configInt("out_channels", Math.min(inCh, 4)), crossDim,
        sample.dim(0) > 0 ? sample.dim(0) : Integer.MAX_VALUE, spec.configInt("downsample_factor", 1),
        spec.configInt("sample_size", -1), cond == null ? 0 : cond.dim(-1), 0);
  }

  @Override
  public DenoiserInfo info() {
    return info;
  }

  @Override
  public FloatTensor predict(FloatTensor sample, double timestep, Conditioning conditioning) {
    int batch = sample.dim(0);
    DjlPart.Feed t;
    if (integerTimestep) {
      int[] ts = new int[batch];
      Arrays.fill(ts, (int) timestep);
      t = DjlPart.Feed.ints(ts, batch);
    } else {
      float[] ts = new float[batch];
      Arrays.fill(ts, (float) timestep);
      t = new DjlPart.Feed(ts, null, new long[] {batch});
    }
    DjlPart.Feed[] feeds = timestepCond
        ? new DjlPart.Feed[] {DjlPart.Feed.of(sample), t, DjlPart.Feed.of(conditioning.encoderHiddenStates()),
            DjlPart.Feed.of(conditioning.timestepCond())}
        : new DjlPart.Feed[] {DjlPart.Feed.of(sample), t, DjlPart.Feed.of(conditioning.encoderHiddenStates())};
    return part.run(feeds).get(0);
  }

  @Override
  public void close() {
    part.close();
  }
}
