package io.diffuse4j.schedulers;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.diffuse4j.api.noise.NoiseSource;
import io.diffuse4j.api.scheduler.Scheduler;
import io.diffuse4j.api.scheduler.SchedulerConfig;
import io.diffuse4j.api.scheduler.StepContext;
import io.diffuse4j.api.tensor.FloatTensor;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/** Replays one {@code ldm-scheduler-case/1} file and returns the worst relative error over all steps. */
final class MultistepCaseReplay {

  static final ObjectMapper JSON = JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

  record Result(String name, double worst, double tolerance, String detail) {
    boolean passed() {
      return worst <= tolerance;
    }
  }

  static JsonNode load(String resource) {
    try (InputStream in = MultistepCaseReplay.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalArgumentException("missing test resource " + resource);
      }
      return JSON.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static SchedulerConfig config(JsonNode c) {
    @SuppressWarnings("unchecked")
    Map<String, Object> m = JSON.convertValue(c.get("scheduler_config"), LinkedHashMap.class);
    String cls = (String) m.get("_class_name");
    return new SchedulerConfig(cls, m);
  }

  static float[] floats(JsonNode a) {
    float[] f = new float[a.size()];
    for (int i = 0; i < f.length; i++) {
      f[i] = (float) a.get(i).asDouble();
    }
    return f;
  }

  static Result replay(JsonNode c, Function<SchedulerConfig, Scheduler> factory) {
    Scheduler s = factory.apply(config(c));
    int[] shape = new int[c.get("shape").size()];
    for (int i = 0; i < shape.length; i++) {
      shape[i] = c.get("shape").get(i).asInt();
    }
    if (c.has("strength")) {
      s.setTimesteps(c.get("num_inference_steps").asInt(), c.get("strength").asDouble());
    } else {
      s.setTimesteps(c.get("num_inference_steps").asInt());
    }
    Deque<float[]> draws = new ArrayDeque<>();
    for (JsonNode n : c.get("step_noise")) {
      draws.add(floats(n));
    }
    NoiseSource noise = sh -> {
      if (draws.isEmpty()) {
        throw new AssertionError("scheduler drew more noise than diffusers did");
      }
      return FloatTensor.of(draws.poll(), sh);
    };
    JsonNode exp = c.get("expected");
    double[] ts = s.timesteps();
    JsonNode ets = exp.get("timesteps");
    if (ts.length != ets.size()) {
      return new Result(c.get("name").asText(), Double.POSITIVE_INFINITY, 0,
          "timesteps " + java.util.Arrays.toString(ts) + " expected " + ets);
    }
    for (int i = 0; i < ts.length; i++) {
      if (ts[i] != ets.get(i).asDouble()) {
        return new Result(c.get("name").asText(), Double.POSITIVE_INFINITY, 0,
            "timesteps " + java.util.Arrays.toString(ts) + " expected " + ets);
      }
    }
    float a = (float) c.get("model").get("a").asDouble();
    double b = c.get("model").get("b").asDouble();
    double cc = c.get("model").get("c").asDouble();
    float[] init = floats(c.get("init_noise"));
    float sig = (float) s.initNoiseSigma();
    float[] x0 = new float[init.length];
    for (int i = 0; i < init.length; i++) {
      x0[i] = init[i] * sig;
    }
    FloatTensor sample = FloatTensor.of(x0, shape);
    double worst = 0;
    double tol = 0;
    String detail = "";
    StepContext ctx = StepContext.of(noise);
    for (int k = 0; k < ts.length; k++) {
      double t = ts[k];
      FloatTensor in = s.scaleModelInput(sample, t);
      float bias = (float) (b * (t / 1000.0) + cc);
      float[] eps = new float[in.size()];
      for (int i = 0; i < eps.length; i++) {
        eps[i] = a * in.data()[i] + bias;
      }
      sample = s.step(FloatTensor.of(eps, shape), t, sample, ctx);
      float[] want = floats(exp.get("steps").get(k).get("prev_sample"));
      double maxAbs = 0;
      double err = 0;
      for (int i = 0; i < want.length; i++) {
        float got = sample.data()[i];
        if (Float.isNaN(want[i]) || Float.isNaN(got)) {
          // diffusers' NaN must be reproduced as NaN, and nothing else may be NaN
          if (Float.isNaN(want[i]) != Float.isNaN(got)) {
            err = Double.POSITIVE_INFINITY;
          }
          continue;
        }
        maxAbs = Math.max(maxAbs, Math.abs(want[i]));
        double e = got == want[i] ? 0 : Math.abs((double) got - want[i]);
        if (!(e <= err)) {
          err = Double.isNaN(e) ? Double.POSITIVE_INFINITY : e;
        }
      }
      double stepTol = 1e-4 * Math.max(1, maxAbs);
      if (err / stepTol > (tol == 0 ? 0 : worst / tol)) {
        worst = err;
        tol = stepTol;
        detail = "step " + k + " t=" + t;
      }
      if (tol == 0) {
        tol = stepTol;
      }
    }
    if (!draws.isEmpty()) {
      return new Result(c.get("name").asText(), Double.POSITIVE_INFINITY, tol, "drew fewer noise tensors");
    }
    return new Result(c.get("name").asText(), worst, tol, detail);
  }
}
