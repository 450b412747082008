package io.diffuse4j.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import io.diffuse4j.api.scheduler.Scheduler;
import io.diffuse4j.api.scheduler.SchedulerConfig;
import io.diffuse4j.api.tensor.FloatTensor;
import io.diffuse4j.pipelines.stages.Img2ImgTimesteps;
import io.diffuse4j.schedulers.SchedulerConfigJson;
import io.diffuse4j.schedulers.Schedulers;
import io.diffuse4j.conformance.SchedulerConformance.CaseFailure;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Replays {@code ldm-add-noise-case/1} files: image-to-image timesteps kept after {@code strength}
 * (diffusers' img2img {@code get_timesteps}), then {@code add_noise(original, noise, timesteps[:1])}.
 * Prints {@code PASS name max_abs_err} or {@code FAIL name reason} per case. Thread-safe.
 */
public final class AddNoiseConformance {

  private AddNoiseConformance() {}

  /** Runs every case of a folder (or one file); true when all pass. */
  public static boolean run(Path dirOrFile, Schedulers schedulers, PrintStream out) {
    return CaseFiles.runAll(dirOrFile, out, c -> runCase(c, schedulers));
  }

  static double runCase(JsonNode c, Schedulers schedulers) throws CaseFailure {
    if (!"ldm-add-noise-case/1".equals(c.path("format").asText())) {
      throw new CaseFailure("not an ldm-add-noise-case/1 file (format " + c.path("format") + ")");
    }
    SchedulerConfig config = SchedulerConfigJson.fromMap(CaseFiles.toMap(c.get("scheduler_config")));
    Scheduler s = schedulers.create(config.className(), config);
    int steps = c.path("num_inference_steps").asInt();
    s.setTimesteps(steps);
    double[] ts = Img2ImgTimesteps.select(s, steps, c.path("strength").asDouble());
    JsonNode expected = c.get("expected");
    double[] want = CaseFiles.doubles(expected.get("timesteps"));
    if (want.length != ts.length) {
      throw new CaseFailure("kept " + ts.length + " timesteps, expected " + want.length);
    }
    for (int i = 0; i < ts.length; i++) {
      if (Math.abs(ts[i] - want[i]) > 1e-4 * Math.max(1, Math.abs(want[i]))) {
        throw new CaseFailure("timesteps[" + i + "] = " + ts[i] + ", expected " + want[i]);
      }
    }
    if (ts.length == 0) {
      return 0;
    }
    int[] shape = CaseFiles.ints(c.get("shape"));
    FloatTensor original = FloatTensor.of(CaseFiles.floats(c.get("original")), shape);
    FloatTensor noise = FloatTensor.of(CaseFiles.floats(c.get("noise")), shape);
    FloatTensor noisy = s.addNoise(original, noise, ts[0]);
    return SchedulerConformance.compare("noisy", noisy.data(), expected.get("noisy"));
  }
}
