package io.diffuse4j.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import io.diffuse4j.api.noise.NoiseSource;
import io.diffuse4j.api.scheduler.Scheduler;
import io.diffuse4j.api.scheduler.SchedulerConfig;
import io.diffuse4j.api.scheduler.StepContext;
import io.diffuse4j.api.tensor.FloatTensor;
import io.diffuse4j.schedulers.SchedulerConfigJson;
import io.diffuse4j.schedulers.Schedulers;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Replays {@code ldm-scheduler-case/1} files produced by diffusers: builds the scheduler from the
 * case's {@code scheduler_config}, runs the fake denoiser loop
 * ({@code eps = a * scale_model_input(x, t) + b * t / 1000 + c}) feeding back the recorded
 * {@code step_noise}, and compares timesteps, init_noise_sigma, model inputs and previous samples
 * at every step (tolerance {@code 1e-4 * max(1, max|expected|)}). Prints {@code PASS name max_abs_err}
 * or {@code FAIL name reason} per case. A case whose {@code expected} holds an {@code error} passes when
 * the scheduler refuses the configuration too. Thread-safe.
 */
public final class SchedulerConformance {

  private SchedulerConformance() {}

  /** Runs every case of a folder (or one file); true when all pass. */
  public static boolean run(Path dirOrFile, Schedulers schedulers, PrintStream out) {
    return CaseFiles.runAll(dirOrFile, out, c -> runCase(c, schedulers));
  }

  /** A mismatch against the reference. */
  static final class CaseFailure extends Exception {
    CaseFailure(String msg) {
      super(msg);
    }
  }

  /** Replays one case; returns the largest absolute error. */
  static double runCase(JsonNode c, Schedulers schedulers) throws CaseFailure {
    if (!"ldm-scheduler-case/1".equals(c.path("format").asText())) {
      throw new CaseFailure("not an ldm-scheduler-case/1 file (format " + c.path("format") + ")");
    }
    SchedulerConfig config = SchedulerConfigJson.fromMap(CaseFiles.toMap(c.get("scheduler_config")));
    JsonNode expected = c.get("expected");
    boolean expectError = expected.has("error") || expected.has("rejected");
    Scheduler s;
    int steps = c.path("num_inference_steps").asInt();
    int[] shape = CaseFiles.ints(c.get("shape"));
    NoiseSource replay;
    FloatTensor sample;
    JsonNode model = c.get("model");
    float a = (float) model.path("a").asDouble();
    double b = model.path("b").asDouble();
    double cc = model.path("c").asDouble();
    double maxErr = 0;
    // DDIM's eta, when the case sets one (top level, in the model block or in step_kwargs)
    double eta = c.has("eta") ? c.path("eta").asDouble()
        : model.has("eta") ? model.path("eta").asDouble() : c.path("step_kwargs").path("eta").asDouble(0);
    try {
      s = schedulers.create(config.className(), config);
      if (c.has("strength")) {
        // the image-to-image schedule: set_timesteps(n, strength=...) (LCM's depends on the strength)
        s.setTimesteps(steps, c.path("strength").asDouble());
      } else {
        s.setTimesteps(steps);
      }
      if (expectError) {
        replay = replayer(c.path("step_noise"), new int[] {0});
        sample = FloatTensor.of(CaseFiles.floats(c.get("init_noise")), shape);
        for (double t : s.timesteps()) {
          FloatTensor x = s.scaleModelInput(sample, t);
          sample = s.step(fake(x, a, b, cc, t), t, sample, new StepContext(replay, eta));
        }
        throw new CaseFailure("diffusers refuses this configuration (" + expected.path("error").asText("rejected")
            + ") but it ran here");
      }
    } catch (IllegalArgumentException | IllegalStateException e) {
      if (expectError) {
        return 0;
      }
      throw new CaseFailure("refused: " + e.getMessage());
    }
    double[] ts = s.timesteps();
    double[] wantTs = CaseFiles.doubles(expected.get("timesteps"));
    if (ts.length != wantTs.length) {
      throw new CaseFailure("timesteps: " + ts.length + " values, expected " + wantTs.length);
    }
    for (int i = 0; i < ts.length; i++) {
      double tol = 1e-4 * Math.max(1, Math.abs(wantTs[i]));
      if (Math.abs(ts[i] - wantTs[i]) > tol) {
        throw new CaseFailure("timesteps[" + i + "] = " + ts[i] + ", expected " + wantTs[i]);
      }
    }
    double sigma = expected.path("init_noise_sigma").asDouble();
    if (Math.abs(s.initNoiseSigma() - sigma) > 1e-4 * Math.max(1, Math.abs(sigma))) {
      throw new CaseFailure("init_noise_sigma = " + s.initNoiseSigma() + ", expected " + sigma);
    }
    replay = replayer(c.path("step_noise"), new int[] {0});
    float[] init = CaseFiles.floats(c.get("init_noise"));
    float fs = (float) s.initNoiseSigma();
    float[] start = new float[init.length];
    for (int i = 0; i < init.length; i++) {
      start[i] = init[i] * fs;
    }
    sample = FloatTensor.of(start, shape);
    if (expected.has("latents_start")) {
      maxErr = Math.max(maxErr, compare("latents_start", sample.data(), expected.get("latents_start")));
    }
    JsonNode stepsJson = expected.get("steps");
    if (stepsJson.size() != ts.length) {
      throw new CaseFailure("expected " + stepsJson.size() + " steps but the scheduler has " + ts.length + " timesteps");
    }
    for (int i = 0; i < ts.length; i++) {
      JsonNode st = stepsJson.get(i);
      double t = ts[i];
      FloatTensor x = s.scaleModelInput(sample, t);
      if (st.has("model_input")) {
        maxErr = Math.max(maxErr, compare("step " + i + " model_input", x.data(), st.get("model_input")));
      }
      FloatTensor eps = fake(x, a, b, cc, t);
      if (st.has("model_output")) {
        maxErr = Math.max(maxErr, compare("step " + i + " model_output", eps.data(), st.get("model_output")));
      }
      sample = s.step(eps, t, sample, new StepContext(replay, eta));
      maxErr = Math.max(maxErr, compare("step " + i + " (t=" + t + ") prev_sample", sample.data(),
          st.get("prev_sample")));
    }
    if (expected.has("final")) {
      maxErr = Math.max(maxErr, compare("final", sample.data(), expected.get("final")));
    }
    return maxErr;
  }

  static FloatTensor fake(FloatTensor x, float a, double b, double c, double t) {
    float bias = (float) (b * (t / 1000.0) + c);
    float[] d = x.data();
    float[] out = new float[d.length];
    for (int i = 0; i < d.length; i++) {
      out[i] = a * d[i] + bias;
    }
    return x.withData(out);
  }

  static NoiseSource replayer(JsonNode draws, int[] next) {
    return shape -> {
      if (next[0] >= draws.size()) {
        throw new IllegalStateException("the scheduler drew more noise tensors than diffusers did (" + draws.size()
            + ")");
      }
      float[] d = CaseFiles.floats(draws.get(next[0]++));
      return FloatTensor.of(d, shape);
    };
  }

  static double compare(String what, float[] got, JsonNode want) throws CaseFailure {
    float[] w = CaseFiles.floats(want);
    if (w.length != got.length) {
      throw new CaseFailure(what + ": " + got.length + " values, expected " + w.length);
    }
    double maxAbs = 0;
    double err = 0;
    int worst = 0;
    for (int i = 0; i < w.length; i++) {
      if (Float.isNaN(w[i]) && Float.isNaN(got[i])) {
        continue; // diffusers' NaN reproduced (a NaN anywhere else is an error)
      }
      if (!Float.isNaN(w[i])) {
        maxAbs = Math.max(maxAbs, Math.abs(w[i]));
      }
      double e = Math.abs((double) got[i] - w[i]);
      if (!(e <= err)) {
        err = Double.isNaN(e) ? Double.POSITIVE_INFINITY : e;
        worst = i;
      }
    }
    double tol = 1e-4 * Math.max(1, maxAbs);
    if (err > tol) {
      throw new CaseFailure(String.format(Locale.ROOT, "%s differs: max |error| %.3g > tolerance %.3g at index %d"
          + " (got %s, expected %s)", what, err, tol, worst, got[worst], w[worst]));
    }
    return err;
  }
}
