package io.diffuse4j.schedulers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.diffuse4j.api.scheduler.Scheduler;
import io.diffuse4j.api.scheduler.SchedulerConfig;
import io.diffuse4j.api.scheduler.StepContext;
import io.diffuse4j.api.tensor.FloatTensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Config values that size arrays, and step counts at the edges, for every built-in scheduler (issue #13). */
class HostileSchedulerConfigTest {

  /** Stable Diffusion 1.x's scheduler_config.json (leading spacing, steps_offset 1). */
  static final String SD = """
      {"_class_name": "PNDMScheduler", "beta_end": 0.012, "beta_schedule": "scaled_linear", "beta_start": 0.00085,
       "num_train_timesteps": 1000, "set_alpha_to_one": false, "skip_prk_steps": true, "steps_offset": 1,
       "trained_betas": null, "clip_sample": false}
      """;

  @Test
  void hugeNumTrainTimestepsIsRefusedForEveryScheduler() {
    Schedulers all = Schedulers.builtIn();
    SchedulerConfig config = SchedulerConfigJson.parse(SD.replace("\"num_train_timesteps\": 1000",
        "\"num_train_timesteps\": 1e9"));
    for (String name : all.names()) {
      assertThatThrownBy(() -> all.create(name, config)).as(name).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("num_train_timesteps").hasMessageContaining("100000");
    }
    SchedulerConfig wrapped = SchedulerConfigJson.parse(SD.replace("1000,", "1e12,"));
    assertThatThrownBy(() -> all.create("ddim", wrapped)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void overlongTrainedBetasAreRefused() {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < 200_001; i++) {
      b.append(i == 0 ? "" : ",").append("0.001");
    }
    SchedulerConfig config = SchedulerConfigJson.parse(SD.replace("\"trained_betas\": null",
        "\"trained_betas\": " + b + "]"));
    assertThatThrownBy(() -> Schedulers.builtIn().create("ddim", config)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("trained_betas").hasMessageContaining("200001");
  }

  @Test
  void hugeAndMalformedConfigFilesNameTheFile(@TempDir Path dir) throws Exception {
    Path big = dir.resolve("scheduler_config.json");
    Files.write(big, new byte[(int) SchedulerConfigJson.MAX_FILE_BYTES + 1]);
    assertThatThrownBy(() -> SchedulerConfigJson.parse(big)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(big.toString()).hasMessageContaining("bytes");
    Path utf = dir.resolve("bad-utf8.json");
    Files.write(utf, new byte[] {'{', '"', (byte) 0xC3, (byte) 0x28, '"', ':', '1', '}'});
    assertThatThrownBy(() -> SchedulerConfigJson.parse(utf)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bad-utf8.json").hasMessageContaining("UTF-8");
    Path deep = dir.resolve("deep.json");
    Files.writeString(deep, "[".repeat(100_000));
    assertThatThrownBy(() -> SchedulerConfigJson.parse(deep)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("deep.json");
    Path types = dir.resolve("types.json");
    Files.writeString(types, SD.replace("1000,", "\"many\","));
    assertThatThrownBy(() -> Schedulers.builtIn().create("ddim", SchedulerConfigJson.parse(types)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("num_train_timesteps");
  }

  /** Every scheduler, every edge step count: a schedule or a clear IllegalArgumentException, never another exception. */
  @Test
  void edgeStepCountsGiveASchedulesOrAClearError() {
    Schedulers all = Schedulers.builtIn();
    SchedulerConfig config = SchedulerConfigJson.parse(SD);
    List<String> failures = new ArrayList<>();
    for (String name : all.names()) {
      for (int n : new int[] {0, 1, 2, 3, 999, 1000, 1001}) {
        try {
          Scheduler s = all.create(name, config);
          s.setTimesteps(n);
          double[] ts = s.timesteps();
          FloatTensor x = FloatTensor.of(new float[] {0.5f, -0.5f}, 1, 2);
          StepContext ctx = new StepContext(new io.diffuse4j.noise.DefaultNoiseSourceFactory().create(
              io.diffuse4j.api.noise.NoiseKind.TORCH, 0), 0);
          for (int i = 0; i < Math.min(3, ts.length); i++) {
            x = s.step(s.scaleModelInput(x, ts[i]).withData(new float[] {0.1f, 0.2f}), ts[i], x, ctx);
          }
          assertThat(x.firstNonFinite()).as(name + " " + n).isNegative();
        } catch (IllegalArgumentException | IllegalStateException e) {
          assertThat(e.getMessage()).as(name + " " + n).isNotBlank();
        } catch (RuntimeException | OutOfMemoryError e) {
          failures.add(name + " with " + n + " steps: " + e);
        }
      }
    }
    assertThat(failures).isEmpty();
  }

  /**
   * SD 1.x's steps_offset 1 with 1000 steps puts the first timestep at 1000: diffusers' DDIM, DDPM and
   * PNDM accept that and fail at the first step (alphas_cumprod[1000]); here setTimesteps refuses it,
   * naming the count that works, and the sigma schedulers (which clamp, as diffusers' interpolation does)
   * still run.
   */
  @Test
  void stepsThatReachPastTheTrainingRangeAreRefusedWhenSetNotAtTheFirstStep() {
    Schedulers all = Schedulers.builtIn();
    SchedulerConfig config = SchedulerConfigJson.parse(SD);
    for (String name : List.of("ddim", "ddpm")) {
      Scheduler s = all.create(name, config);
      assertThatThrownBy(() -> s.setTimesteps(1000)).as(name).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("steps_offset 1").hasMessageContaining("timestep 1000")
          .hasMessageContaining("use at most 999 steps");
      s.setTimesteps(999);
      assertThat(s.timesteps()[0]).as(name).isEqualTo(999.0);
    }
    Scheduler pndm = all.create("pndm", config);
    assertThatThrownBy(() -> pndm.setTimesteps(1000)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("timestep 1000").hasMessageContaining("fewer steps");
    Scheduler euler = all.create("euler", config);
    euler.setTimesteps(1000);
    assertThat(euler.timesteps()).hasSize(1000);
    Scheduler noOffset = all.create("ddim", SchedulerConfigJson.parse(SD.replace("\"steps_offset\": 1",
        "\"steps_offset\": 0")));
    noOffset.setTimesteps(1000);
    assertThat(noOffset.timesteps()[0]).isEqualTo(999.0);
  }
}
