package io.diffuse4j.examples.kdpm2;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.diffuse4j.api.scheduler.Scheduler;
import io.diffuse4j.api.scheduler.SchedulerConfig;
import io.diffuse4j.api.scheduler.SchedulerProvider;
import io.diffuse4j.api.scheduler.StepContext;
import io.diffuse4j.api.tensor.FloatTensor;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Replays one {@code ldm-scheduler-case/1} file (see the case README) against a provider and
 * returns the worst relative error, {@code max|got - expected| / max(1, max|expected|)}, over
 * init_noise_sigma, the timesteps and every step's model input, model output and sample.
 */
final class CaseReplay {

  private static final ObjectMapper JSON = JsonMapper.builder()
      .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

  private CaseReplay() {}

  static JsonNode read(String resource) {
    try (InputStream in = CaseReplay.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource " + resource);
      }
      return JSON.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static SchedulerConfig config(JsonNode c) {
    Map<String, Object> values = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = c.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      values.put(e.getKey(), JSON.convertValue(e.getValue(), Object.class));
    }
    return SchedulerConfig.of(c.get("_class_name").asText(), values);
  }

  /** The worst relative error of the case; throws if lengths differ. */
  static double worstError(SchedulerProvider provider, JsonNode c) {
    Scheduler s = provider.create(config(c.get("scheduler_config")));
    s.setTimesteps(c.get("num_inference_steps").asInt());
    JsonNode exp = c.get("expected");
    int[] shape = ints(c.get("shape"));
    double a = c.get("model").get("a").asDouble();
    double b = c.get("model").get("b").asDouble();
    double cc = c.get("model").get("c").asDouble();

    double worst = err(new float[] {(float) s.initNoiseSigma()}, exp.get("init_noise_sigma"));
    double[] ts = s.timesteps();
    JsonNode expTs = exp.get("timesteps");
    if (ts.length != expTs.size()) {
      throw new AssertionError("got " + ts.length + " timesteps, expected " + expTs.size());
    }
    for (int i = 0; i < ts.length; i++) {
      worst = Math.max(worst, Math.abs(ts[i] - expTs.get(i).asDouble()) / Math.max(1, Math.abs(expTs.get(i).asDouble())));
    }
    float[] noise = floats(c.get("init_noise"));
    float sigma0 = (float) s.initNoiseSigma();
    float[] start = new float[noise.length];
    for (int i = 0; i < noise.length; i++) {
      start[i] = noise[i] * sigma0;
    }
    worst = Math.max(worst, err(start, exp.get("latents_start")));
    FloatTensor sample = FloatTensor.of(start, shape);
    StepContext ctx = StepContext.of(shp -> {
      throw new AssertionError("KDPM2 is deterministic; it must draw no noise");
    });
    for (int k = 0; k < ts.length; k++) {
      JsonNode step = exp.get("steps").get(k);
      double t = ts[k];
      FloatTensor x = s.scaleModelInput(sample, t);
      float bias = (float) (b * (t / 1000.0) + cc);
      float[] eps = new float[x.size()];
      for (int i = 0; i < eps.length; i++) {
        eps[i] = (float) a * x.data()[i] + bias;
      }
      sample = s.step(FloatTensor.of(eps, shape), t, sample, ctx);
      worst = Math.max(worst, err(x.data(), step.get("model_input")));
      worst = Math.max(worst, err(eps, step.get("model_output")));
      worst = Math.max(worst, err(sample.data(), step.get("prev_sample")));
    }
    return Math.max(worst, err(sample.data(), exp.get("final")));
  }

  private static double err(float[] got, JsonNode expected) {
    float[] e = expected.isArray() ? floats(expected) : new float[] {(float) expected.asDouble()};
    if (e.length != got.length) {
      throw new AssertionError("got " + got.length + " values, expected " + e.length);
    }
    double maxAbs = 0;
    double maxErr = 0;
    for (int i = 0; i < e.length; i++) {
      maxAbs = Math.max(maxAbs, Math.abs(e[i]));
      double d = Math.abs((double) got[i] - e[i]);
      maxErr = Double.isNaN(d) ? Double.POSITIVE_INFINITY : Math.max(maxErr, d);
    }
    return maxErr / Math.max(1, maxAbs);
  }

  static float[] floats(JsonNode n) {
    float[] out = new float[n.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) n.get(i).asDouble();
    }
    return out;
  }

  static int[] ints(JsonNode n) {
    int[] out = new int[n.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = n.get(i).asInt();
    }
    return out;
  }

  static List<String> caseNames() {
    return new ArrayList<>(List.of("kdpm2.json", "kdpm2-karras-vpred-leading.json",
        "kdpm2-exponential-trailing-linear.json", "kdpm2-cosine-leading.json"));
  }
}
